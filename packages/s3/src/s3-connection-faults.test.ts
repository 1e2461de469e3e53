// Real sockets on loopback that reset or cut connections (msw cannot reset a socket).
import { once } from "node:events";
import { spawn } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { ByteStream } from "@dg/core";
import { hasCode } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterEach, describe, expect, it } from "vitest";
import { createS3ObjectStore } from "./s3-object-store.js";

/** What to do with one connection, given the text of its request. */
type Behaviour = (socket: Socket, request: string) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** A TCP server that treats the n-th connection with the n-th behaviour (the last repeats). */
async function serve(
  behaviours: Behaviour[],
): Promise<{ endpoint: string; connections: () => number }> {
  let count = 0;
  server = createServer((socket) => {
    const behaviour = behaviours[Math.min(count, behaviours.length - 1)] as Behaviour;
    count += 1;
    socket.once("data", (data) => behaviour(socket, data.toString("latin1")));
    socket.on("error", () => undefined);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${address.port}`, connections: () => count };
}

function respond(socket: Socket, body: string): void {
  socket.end(
    `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\nETag: "e"\r\nConnection: close\r\n\r\n${body}`,
  );
}

const reset: Behaviour = (socket) => socket.resetAndDestroy();

function store(endpoint: string, bodyResumes = 0, readTimeoutMs?: number) {
  return createS3ObjectStore({
    endpoint,
    bodyResumes,
    ...(readTimeoutMs === undefined ? {} : { readTimeoutMs }),
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
    retryStrategy: new ConfiguredRetryStrategy(3, () => 1),
  });
}

async function collect(stream: ByteStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("S3 store on failing connections", () => {
  it("retries a GET whose connection is reset before any response", async () => {
    const { endpoint, connections } = await serve([reset, (s) => respond(s, "fine")]);
    const got = await store(endpoint).getObject("bkt", "k");
    expect((await collect(got.body)).toString()).toBe("fine");
    expect(connections()).toBe(2);
  });

  it("gives UNAVAILABLE when every attempt is reset", async () => {
    const { endpoint, connections } = await serve([reset]);
    const error = await store(endpoint)
      .getObject("bkt", "k")
      .catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect(connections()).toBe(3);
  });

  it("reports a reset in the middle of the body as UNAVAILABLE", async () => {
    const { endpoint } = await serve([
      (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
        socket.write(Buffer.alloc(1000, 1), () => socket.resetAndDestroy());
      },
    ]);
    const got = await store(endpoint).getObject("bkt", "k");
    const error = await collect(got.body).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
  });

  it("reports a body cut short by a clean close as UNAVAILABLE", async () => {
    const { endpoint } = await serve([
      (socket) => {
        socket.end(
          Buffer.concat([
            Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"),
            Buffer.alloc(500, 2),
          ]),
        );
      },
    ]);
    const got = await store(endpoint).getObject("bkt", "k");
    const error = await collect(got.body).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
  });

  it("gives UNAVAILABLE when nothing listens on the endpoint", async () => {
    const { endpoint } = await serve([reset]);
    server?.close();
    await once(server as Server, "close");
    const error = await store(endpoint)
      .headBucket("bkt")
      .catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
  });
});

/** Send a response head and part of the body, then reset the connection. */
function breakAfter(status: string, headers: string, body: Uint8Array, cut: number): Behaviour {
  return (socket) => {
    socket.write(`HTTP/1.1 ${status}\r\n${headers}Content-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, cut), () => socket.resetAndDestroy());
  };
}

function send(status: string, headers: string, body: Uint8Array): Behaviour {
  return (socket) => {
    socket.end(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 ${status}\r\n${headers}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ),
        body,
      ]),
    );
  };
}

describe("S3 store resuming broken downloads", () => {
  const data = seededBytes("resume", 5000);

  it("continues a body after a reset with a ranged GET pinned to the ETag", async () => {
    const requests: string[] = [];
    const record =
      (behaviour: Behaviour): Behaviour =>
      (socket, request) => {
        requests.push(request.toLowerCase());
        behaviour(socket, request);
      };
    const { endpoint } = await serve([
      record(breakAfter("200 OK", 'ETag: "v1"\r\n', data, 1000)),
      record(breakAfter("206 Partial Content", 'ETag: "v1"\r\n', data.subarray(1000), 1500)),
      record(send("206 Partial Content", 'ETag: "v1"\r\n', data.subarray(2500))),
    ]);
    const got = await store(endpoint, 3).getObject("bkt", "k");
    expect((await collect(got.body)).equals(Buffer.from(data))).toBe(true);
    expect(requests[1]).toContain("range: bytes=1000-4999");
    expect(requests[1]).toContain('if-match: "v1"');
    expect(requests[2]).toContain("range: bytes=2500-4999");
  });

  it("resumes a ranged get within its range", async () => {
    const requests: string[] = [];
    const slice = data.subarray(100, 4100);
    const { endpoint } = await serve([
      breakAfter(
        "206 Partial Content",
        'ETag: "v1"\r\nContent-Range: bytes 100-4099/5000\r\n',
        slice,
        10,
      ),
      (socket, request) => {
        requests.push(request.toLowerCase());
        send("206 Partial Content", 'ETag: "v1"\r\n', slice.subarray(10))(socket, request);
      },
    ]);
    const got = await store(endpoint, 1).getObject("bkt", "k", {
      range: { start: 100, end: 4099 },
    });
    expect(got.info.size).toBe(5000);
    expect((await collect(got.body)).equals(Buffer.from(slice))).toBe(true);
    expect(requests[0]).toContain("range: bytes=110-4099");
  });

  it("fails with CONFLICT when the object changed before the rest could be read", async () => {
    const { endpoint } = await serve([
      breakAfter("200 OK", 'ETag: "v1"\r\n', data, 1000),
      send(
        "412 Precondition Failed",
        "Content-Type: application/xml\r\n",
        Buffer.from("<Error><Code>PreconditionFailed</Code><Message>changed</Message></Error>"),
      ),
    ]);
    const got = await store(endpoint, 3).getObject("bkt", "k");
    const error = await collect(got.body).catch((e: unknown) => e);
    expect(hasCode(error, "CONFLICT")).toBe(true);
  });

  it("gives up with UNAVAILABLE after the allowed number of resumes", async () => {
    let connections = 0;
    const { endpoint } = await serve([
      (socket, request) => {
        connections += 1;
        const offset = connections === 1 ? 0 : 1000 * (connections - 1);
        const status = connections === 1 ? "200 OK" : "206 Partial Content";
        breakAfter(status, 'ETag: "v1"\r\n', data.subarray(offset), 1000)(socket, request);
      },
    ]);
    const got = await store(endpoint, 2).getObject("bkt", "k");
    const error = await collect(got.body).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect(connections).toBe(3);
  });
});

describe("S3 store against an endpoint that goes silent", () => {
  const data = seededBytes("silence", 5000);
  /** Accept, read the request, never answer. */
  const silent: Behaviour = () => undefined;
  /** Send the head and the first `cut` bytes of the body, then nothing more. */
  const stallAfter =
    (cut: number): Behaviour =>
    (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Length: ${data.length}\r\n\r\n`);
      socket.write(data.subarray(0, cut));
    };

  /**
   * The read timeout of the cases that must succeed: the server shares this process, and on a
   * loaded machine its answer took more than 200 ms. The cases that must time out keep 200 ms.
   */
  const PATIENT_MS = 1500;

  it("gives up after the read timeout of every attempt, naming the endpoint", async () => {
    const { endpoint, connections } = await serve([silent]);
    const error = await store(endpoint, 0, 200)
      .listObjects("bkt")
      .catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toBe(
      `No answer from ${endpoint} within 0.2 s (ListObjectsV2 bucket bkt)`,
    );
    expect((error as { hint?: string }).hint).toContain("--cli-read-timeout");
    expect(connections()).toBe(3);
  });

  it("answers after a silent first attempt are taken: the call is retried", async () => {
    const { endpoint, connections } = await serve([silent, send("200 OK", 'ETag: "v1"\r\n', data)]);
    const got = await store(endpoint, 0, PATIENT_MS).getObject("bkt", "k");
    expect((await collect(got.body)).equals(Buffer.from(data))).toBe(true);
    expect(connections()).toBe(2);
  });

  it("fails a body that stops arriving, naming the endpoint", async () => {
    const { endpoint } = await serve([stallAfter(1000)]);
    const got = await store(endpoint, 0, 200).getObject("bkt", "k");
    const error = await collect(got.body).catch((e: unknown) => e);
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toContain(`No answer from ${endpoint}`);
  });

  it("continues a body that stopped arriving with a ranged GET", async () => {
    const requests: string[] = [];
    const { endpoint } = await serve([
      stallAfter(1000),
      (socket, request) => {
        requests.push(request.toLowerCase());
        send("206 Partial Content", 'ETag: "v1"\r\n', data.subarray(1000))(socket, request);
      },
    ]);
    const got = await store(endpoint, 1, PATIENT_MS).getObject("bkt", "k");
    expect((await collect(got.body)).equals(Buffer.from(data))).toBe(true);
    expect(requests[0]).toContain("range: bytes=1000-4999");
  });

  it("does not count the time the reader holds a piece: a slow reader is not a silent server", async () => {
    // Large enough that the socket's buffers fill while the reader waits.
    const big = seededBytes("slow-reader", 8 * 1024 * 1024);
    const { endpoint, connections } = await serve([send("200 OK", 'ETag: "v1"\r\n', big)]);
    const got = await store(endpoint, 0, PATIENT_MS).getObject("bkt", "k");
    const chunks: Uint8Array[] = [];
    for await (const chunk of got.body) {
      // The reader is busy elsewhere for three read timeouts, once.
      if (chunks.length === 0) await new Promise((resolve) => setTimeout(resolve, 3 * PATIENT_MS));
      chunks.push(chunk);
    }
    expect(Buffer.concat(chunks).equals(Buffer.from(big))).toBe(true);
    expect(connections()).toBe(1);
  });
});

describe("S3 store against an endpoint that does not accept connections", () => {
  it("gives up after the connect timeout of every attempt, naming the endpoint", async () => {
    // A listener whose process never accepts (its event loop is blocked) and whose queue of
    // pending connections (two, for a backlog of 1) is taken: the kernel drops further SYNs,
    // so connects hang.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const s = require("node:net").createServer();
         s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
           require("node:fs").writeSync(1, s.address().port + "\\n");
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
         });`,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    try {
      const [line] = (await once(child.stdout.setEncoding("utf8"), "data")) as [string];
      const port = Number(line.trim());
      const fillers = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
      await Promise.all(fillers.map((filler) => once(filler, "connect")));
      const endpoint = `http://127.0.0.1:${port}`;
      const error = await createS3ObjectStore({
        endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
        retryStrategy: new ConfiguredRetryStrategy(2, () => 1),
        connectTimeoutMs: 300,
      })
        .headBucket("bkt")
        .catch((e: unknown) => e);
      for (const filler of fillers) filler.destroy();
      expect(hasCode(error, "UNAVAILABLE")).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(`^Could not connect to ${endpoint} within 0.3 s`),
      );
    } finally {
      child.kill("SIGKILL");
    }
  });
});
