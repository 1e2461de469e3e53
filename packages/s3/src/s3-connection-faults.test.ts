// Real sockets on loopback that reset or cut connections (msw cannot reset a socket).
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import type { ByteStream } from "@dg/core";
import { hasCode } from "@dg/core";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterEach, describe, expect, it } from "vitest";
import { createS3ObjectStore } from "./s3-object-store.js";

type Behaviour = (socket: Socket) => void;

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
    socket.once("data", () => behaviour(socket));
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

function store(endpoint: string) {
  return createS3ObjectStore({
    endpoint,
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
