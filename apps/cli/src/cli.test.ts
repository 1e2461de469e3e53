import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { CancelledError } from "@dg/core";
import { createClient, type DeltaGliderClient } from "@dg/sdk";
import { seededBytes } from "@dg/testkit";
import { HttpResponse, http, passthrough } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { createSdkClient } from "./client-factory.js";
import { commands } from "./commands/index.js";
import type { ClientFactory } from "./context.js";
import type { CliIo } from "./lib/io.js";

function captureIo(env: Record<string, string | undefined>, cwd: string, signal: AbortSignal) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        return true;
      },
      isTTY: false,
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        return true;
      },
      isTTY: false,
    },
    stdin: Readable.from([]),
    env,
    cwd,
    signal,
  };
  return { io, out: () => stdout, err: () => stderr };
}

let root: string;
// Loopback (moto, local servers) goes through untouched; any other request a test did not
// mock is an error, so nothing here can reach the network by accident.
const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;
const server = setupServer(http.all(LOOPBACK, () => passthrough()));
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-cli-inproc-"));
  server.listen({ onUnhandledRequest: "error" });
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await rm(root, { recursive: true, force: true });
});

describe("runCli in-process", () => {
  it("fails with one line and a hint when there are no credentials anywhere", async () => {
    const saved = { ...process.env };
    const metadataCalls: string[] = [];
    server.use(
      http.put("http://169.254.169.254/latest/api/token", () => {
        metadataCalls.push("token");
        return new HttpResponse(null, { status: 404 });
      }),
      http.get("http://169.254.169.254/*", ({ request }) => {
        metadataCalls.push(new URL(request.url).pathname);
        return new HttpResponse(null, { status: 404 });
      }),
      http.all("http://s3.mock.test/*", () => new HttpResponse(null, { status: 500 })),
    );
    for (const name of Object.keys(process.env)) {
      if (name.startsWith("AWS_") && name !== "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED") {
        delete process.env[name];
      }
    }
    process.env.AWS_CONFIG_FILE = join(root, "none-config");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(root, "none-credentials");
    try {
      const env = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, HOME: root, NO_COLOR: "1" };
      const { io, err } = captureIo(env, root, new AbortController().signal);
      const code = await runCli(["ls", "--endpoint-url", "http://s3.mock.test"], io, {
        commands,
        createClient: createSdkClient,
      });
      expect(code).toBe(1);
      expect(err()).toMatch(/^deltaglider: error: .*credentials/i);
      expect(err()).toMatch(/\n {2}hint: .*AWS_ACCESS_KEY_ID/);
      expect(err()).not.toMatch(/\n\s+at /);
      expect(metadataCalls.length).toBeGreaterThan(0);
    } finally {
      process.env = saved;
    }
  });

  it("stops cleanly on Ctrl-C: exit 130, no partial or temporary file left", async () => {
    const storeDir = join(root, "store");
    await mkdir(storeDir);
    const env = {
      DG_ENDPOINT_URL: pathToFileURL(storeDir).href,
      DG_CACHE_BACKEND: "memory",
      HOME: root,
    };
    const setup = createClient({ env });
    await setup.createBucket({ Bucket: "big" });
    await setup.putObject({
      Bucket: "big",
      Key: "big.bin",
      Body: seededBytes("big", 48 * 1024 * 1024),
    });
    setup.destroy();

    const controller = new AbortController();
    // Press Ctrl-C as soon as the first bytes arrive.
    const interrupting: ClientFactory = (globals, io) => {
      const client = createSdkClient(globals, io);
      const wrapped: DeltaGliderClient = Object.create(client) as DeltaGliderClient;
      Object.assign(wrapped, {
        downloadFile: (
          uri: string,
          path: string,
          options: Parameters<DeltaGliderClient["downloadFile"]>[2],
        ) =>
          client.downloadFile(uri, path, {
            ...options,
            onProgress: (event) => {
              options?.onProgress?.(event);
              if (event.type === "bytes") controller.abort(new CancelledError("Interrupted"));
            },
          }),
        destroy: () => client.destroy(),
      });
      return wrapped;
    };
    const out = join(root, "out");
    await mkdir(out);
    await writeFile(join(out, "keep.txt"), "mine");
    const { io, err } = captureIo(env, root, controller.signal);
    const code = await runCli(["cp", "s3://big/big.bin", `${out}/`], io, {
      commands,
      createClient: interrupting,
    });
    expect(code).toBe(130);
    expect(err()).toContain("interrupted");
    expect(await readdir(out)).toEqual(["keep.txt"]);
  });
});
