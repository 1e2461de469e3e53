// Fault injection with msw: no moto traffic in this file (msw refuses unhandled requests).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ByteStream } from "@dg/core";
import { hasCode } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createS3ObjectStore, type S3ObjectStoreOptions } from "./s3-object-store.js";

const ENDPOINT = "http://s3.mock.test:9000";
const MiB = 1024 * 1024;

const server = setupServer(
  // Nothing may reach the EC2 instance metadata service; answer it here if anything tries.
  http.all("http://169.254.169.254/*", () => new HttpResponse(null, { status: 404 })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

function storeWith(options: Partial<S3ObjectStoreOptions> = {}) {
  return createS3ObjectStore({
    endpoint: ENDPOINT,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret-value-never-printed" },
    retryStrategy: new ConfiguredRetryStrategy(4, () => 1),
    ...options,
  });
}

function errorXml(code: string, message = code): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`;
}

function s3Error(status: number, code: string) {
  return new HttpResponse(errorXml(code), {
    status,
    headers: { "content-type": "application/xml" },
  });
}

async function collect(stream: ByteStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("S3 store under injected faults", () => {
  it("retries throttling (503 SlowDown) and then succeeds", async () => {
    let calls = 0;
    server.use(
      http.get(`${ENDPOINT}/bkt/key`, () => {
        calls += 1;
        if (calls <= 2) return s3Error(503, "SlowDown");
        return new HttpResponse("hello", { headers: { "content-length": "5", etag: '"e"' } });
      }),
    );
    const got = await storeWith().getObject("bkt", "key");
    expect((await collect(got.body)).toString()).toBe("hello");
    expect(calls).toBe(3);
  });

  it("gives UNAVAILABLE once throttling outlasts the retries", async () => {
    let calls = 0;
    server.use(
      http.get(`${ENDPOINT}/bkt/key`, () => {
        calls += 1;
        return s3Error(503, "SlowDown");
      }),
    );
    const error = await failure(storeWith().getObject("bkt", "key"));
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect(calls).toBe(4);
  });

  it("aborts the multipart upload when a part keeps failing", async () => {
    const seen: string[] = [];
    server.use(
      http.post(`${ENDPOINT}/bkt/big.bin`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.has("uploads")) {
          seen.push("create");
          return new HttpResponse(
            `<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>big.bin</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>`,
            { headers: { "content-type": "application/xml" } },
          );
        }
        seen.push("complete");
        return s3Error(500, "InternalError");
      }),
      http.put(`${ENDPOINT}/bkt/big.bin`, () => {
        seen.push("part");
        return s3Error(500, "InternalError");
      }),
      http.delete(`${ENDPOINT}/bkt/big.bin`, ({ request }) => {
        seen.push(`abort ${new URL(request.url).searchParams.get("uploadId")}`);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const store = storeWith({ multipartThreshold: 5 * MiB, partSize: 5 * MiB, queueSize: 2 });
    const error = await failure(store.putObject("bkt", "big.bin", seededBytes(1, 12 * MiB)));
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect(seen[0]).toBe("create");
    expect(seen).toContain("abort up-1");
    expect(seen.at(-1)).toBe("abort up-1");
    expect(seen).not.toContain("complete");
    // Every attempt of the failed part was retried, and no third part was started.
    expect(seen.filter((s) => s === "part").length).toBeLessThanOrEqual(8);
  });

  it("reports a connection reset in the middle of a body as UNAVAILABLE", async () => {
    server.use(
      http.get(`${ENDPOINT}/bkt/reset`, () => {
        let sent = false;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (!sent) {
              sent = true;
              controller.enqueue(new Uint8Array(1000));
            } else {
              controller.error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
            }
          },
        });
        return new HttpResponse(stream, { headers: { "content-length": "5000" } });
      }),
    );
    const got = await storeWith({ bodyResumes: 0 }).getObject("bkt", "reset");
    const error = await failure(collect(got.body));
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
  });

  it("reports a body shorter than its Content-Length as UNAVAILABLE, never as data", async () => {
    server.use(
      http.get(`${ENDPOINT}/bkt/short`, () => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(500));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { "content-length": "5000" } });
      }),
    );
    const got = await storeWith({ bodyResumes: 0 }).getObject("bkt", "short");
    const error = await failure(collect(got.body));
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    // Node notices the early end (ECONNRESET) before our own length check would.
    expect(String(error)).toMatch(/ECONNRESET|500 of 5000|truncated/);
  });

  it("reports a body whose CRC32 does not match as UNAVAILABLE (SDK checksum validation)", async () => {
    server.use(
      http.get(`${ENDPOINT}/bkt/crc`, () => {
        return new HttpResponse("hello", {
          headers: { "content-length": "5", "x-amz-checksum-crc32": "AAAAAA==" },
        });
      }),
    );
    const got = await storeWith().getObject("bkt", "crc");
    const error = await failure(collect(got.body));
    expect(hasCode(error, "UNAVAILABLE")).toBe(true);
    expect(String((error as Error).cause)).toMatch(/Checksum mismatch/);
  });

  it("gives PERMISSION_DENIED for 403 with a credentials hint and no secret", async () => {
    server.use(http.get(`${ENDPOINT}/bkt/key`, () => s3Error(403, "AccessDenied")));
    const error = await failure(storeWith().getObject("bkt", "key"));
    expect(hasCode(error, "PERMISSION_DENIED")).toBe(true);
    const { message, hint } = error as { message: string; hint: string };
    expect(hint).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(`${message} ${hint}`).not.toContain("secret-value-never-printed");
  });

  it("gives PERMISSION_DENIED with a hint when no credentials can be found", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dg-nocreds-"));
    try {
      for (const name of [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      ]) {
        vi.stubEnv(name, undefined);
      }
      vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "missing-credentials"));
      vi.stubEnv("AWS_CONFIG_FILE", join(dir, "missing-config"));
      vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
      let reached = false;
      server.use(
        http.get(`${ENDPOINT}/bkt/key`, () => {
          reached = true;
          return new HttpResponse("x");
        }),
      );
      const store = createS3ObjectStore({
        endpoint: ENDPOINT,
        region: "us-east-1",
        retryStrategy: new ConfiguredRetryStrategy(1, () => 1),
      });
      const error = await failure(store.getObject("bkt", "key"));
      expect(hasCode(error, "PERMISSION_DENIED")).toBe(true);
      expect((error as { hint: string }).hint).toMatch(/AWS_ACCESS_KEY_ID.*--profile/);
      expect(reached).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("signs with the credentials of a named profile from the shared files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dg-profile-"));
    try {
      await writeFile(
        join(dir, "credentials"),
        "[dg-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s3cr3t\n",
      );
      await writeFile(join(dir, "config"), "[profile dg-test]\nregion = us-east-1\n");
      vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "credentials"));
      vi.stubEnv("AWS_CONFIG_FILE", join(dir, "config"));
      vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
      let authorization = "";
      server.use(
        http.head(`${ENDPOINT}/bkt`, ({ request }) => {
          authorization = request.headers.get("authorization") ?? "";
          return new HttpResponse(null, { status: 200 });
        }),
      );
      const store = createS3ObjectStore({ endpoint: ENDPOINT, profile: "dg-test" });
      expect(await store.headBucket("bkt")).toBe(true);
      expect(authorization).toContain("Credential=AKIDPROFILE/");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("batch delete", () => {
  it("deletes in groups of 1,000 and reports per-key errors without throwing", async () => {
    const groups: number[] = [];
    server.use(
      http.post(`${ENDPOINT}/bkt`, async ({ request }) => {
        const body = await request.text();
        const keys = [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] as string);
        groups.push(keys.length);
        const deleted = keys
          .filter((k) => k !== "locked")
          .map((k) => `<Deleted><Key>${k}</Key></Deleted>`)
          .join("");
        const errors = keys.includes("locked")
          ? "<Error><Key>locked</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
          : "";
        return new HttpResponse(
          `<?xml version="1.0"?><DeleteResult>${deleted}${errors}</DeleteResult>`,
          { headers: { "content-type": "application/xml" } },
        );
      }),
    );
    const keys = Array.from({ length: 2345 }, (_, i) => `k${i}`);
    keys[1500] = "locked";
    const result = await storeWith().deleteObjects("bkt", keys);
    expect(groups).toEqual([1000, 1000, 345]);
    expect(result.deleted.length).toBe(2344);
    expect(result.errors.map((e) => e.key)).toEqual(["locked"]);
    expect(hasCode(result.errors[0]?.error, "PERMISSION_DENIED")).toBe(true);
  });

  it("a group whose whole request fails gives each of its keys that error; the other groups go", async () => {
    let calls = 0;
    server.use(
      http.post(`${ENDPOINT}/bkt`, async ({ request }) => {
        calls += 1;
        const body = await request.text();
        const keys = [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] as string);
        if (calls === 2) {
          return new HttpResponse("<Error><Code>AccessDenied</Code><Message>no</Message></Error>", {
            status: 403,
            headers: { "content-type": "application/xml" },
          });
        }
        const deleted = keys.map((k) => `<Deleted><Key>${k}</Key></Deleted>`).join("");
        return new HttpResponse(`<?xml version="1.0"?><DeleteResult>${deleted}</DeleteResult>`, {
          headers: { "content-type": "application/xml" },
        });
      }),
    );
    const keys = Array.from({ length: 2100 }, (_, i) => `k${i}`);
    const result = await storeWith().deleteObjects("bkt", keys);
    expect(result.deleted).toEqual([...keys.slice(0, 1000), ...keys.slice(2000)]);
    expect(result.errors.map((e) => e.key)).toEqual(keys.slice(1000, 2000));
    expect(result.errors.every((e) => hasCode(e.error, "PERMISSION_DENIED"))).toBe(true);
  });
});

describe("conditional-write probe", () => {
  it("refuses create-only writes with UNSUPPORTED when the store ignores If-None-Match", async () => {
    const puts: string[] = [];
    server.use(
      http.put(`${ENDPOINT}/bkt/*`, ({ request }) => {
        const key = decodeURIComponent(new URL(request.url).pathname.slice("/bkt/".length));
        puts.push(`${key} ${request.headers.get("if-none-match") ?? "-"}`);
        return new HttpResponse(null, { status: 200, headers: { etag: '"x"' } });
      }),
      http.delete(`${ENDPOINT}/bkt/*`, () => new HttpResponse(null, { status: 204 })),
    );
    const store = storeWith();
    const error = await failure(
      store.putObject("bkt", "dir/reference.bin", seededBytes(1, 10), { ifNoneMatch: true }),
    );
    expect(hasCode(error, "UNSUPPORTED")).toBe(true);
    expect((error as { hint: string }).hint).toMatch(/If-None-Match/);
    expect(puts.length).toBe(2);
    expect(puts.every((p) => p.startsWith(".deltaglider/probe/") && p.endsWith(" *"))).toBe(true);

    // The verdict is kept: no second probe, and the object itself was never written.
    const again = await failure(
      store.putObject("bkt", "other", seededBytes(2, 10), { ifNoneMatch: true }),
    );
    expect(hasCode(again, "UNSUPPORTED")).toBe(true);
    expect(puts.length).toBe(2);
    // Plain writes still work.
    await store.putObject("bkt", "plain", seededBytes(3, 10));
    expect(puts.at(-1)).toBe("plain -");
  });

  it("reports a store that rejects the header (501) as UNSUPPORTED", async () => {
    server.use(
      http.put(`${ENDPOINT}/bkt/*`, () => s3Error(501, "NotImplemented")),
      http.delete(`${ENDPOINT}/bkt/*`, () => new HttpResponse(null, { status: 204 })),
    );
    const error = await failure(
      storeWith().putObject("bkt", "k", seededBytes(1, 10), { ifNoneMatch: true }),
    );
    expect(hasCode(error, "UNSUPPORTED")).toBe(true);
  });

  it("skips the probe with conditionalWrites: trust", async () => {
    const puts: string[] = [];
    server.use(
      http.put(`${ENDPOINT}/bkt/*`, ({ request }) => {
        puts.push(new URL(request.url).pathname);
        return new HttpResponse(null, { status: 200, headers: { etag: '"x"' } });
      }),
    );
    await storeWith({ conditionalWrites: "trust" }).putObject("bkt", "k", seededBytes(1, 10), {
      ifNoneMatch: true,
    });
    expect(puts).toEqual(["/bkt/k"]);
  });
});

describe("checksum mode", () => {
  it("sends CRC32 by default and none with WHEN_REQUIRED", async () => {
    const crc: Array<string | null> = [];
    server.use(
      http.put(`${ENDPOINT}/bkt/k`, ({ request }) => {
        crc.push(request.headers.get("x-amz-checksum-crc32"));
        return new HttpResponse(null, { status: 200, headers: { etag: '"x"' } });
      }),
    );
    await storeWith().putObject("bkt", "k", seededBytes(1, 100));
    await storeWith({ checksumMode: "WHEN_REQUIRED" }).putObject("bkt", "k", seededBytes(1, 100));
    expect(crc[0]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(crc[1]).toBeNull();
  });
});
