import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { concat } from "../test/memory-client.js";
import { createClient } from "./index.js";

// Which heavy modules have been imported since this file loaded (each factory runs on the first
// import; an eager import would run it before any test). The tests run in order.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("@aws-sdk/client-s3", async (original) => {
  loaded.add("@aws-sdk/client-s3");
  return original();
});
vi.mock("@dg/s3", async (original) => {
  loaded.add("@dg/s3");
  return original();
});
vi.mock("@dg/xdelta", async (original) => {
  loaded.add("@dg/xdelta");
  return original();
});
vi.mock("@dg/archive", async (original) => {
  loaded.add("@dg/archive");
  return original();
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-lazy-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("heavy modules load on first use", () => {
  it("a file:// client never loads the AWS SDK, and the codecs only to encode or decode", async () => {
    const client = createClient({
      env: { DG_ENDPOINT_URL: pathToFileURL(root).href, DG_CACHE_BACKEND: "memory" },
      logger: { log() {} },
    });
    await client.createBucket({ Bucket: "lazy" });
    await client.putObject({ Bucket: "lazy", Key: "notes.txt", Body: seededBytes("lazy-0", 100) });
    await client.listObjectsV2({ Bucket: "lazy" });
    const stats = await client.getBucketStats("lazy", { mode: "quick" });
    expect(stats.objectCount).toBe(1);
    expect([...loaded]).toEqual([]);

    const v1 = seededBytes("lazy-1", 50_000);
    await client.putObject({ Bucket: "lazy", Key: "a/v1.zip", Body: v1 });
    const put = await client.putObject({
      Bucket: "lazy",
      Key: "a/v2.zip",
      Body: concat(v1, seededBytes("lazy-2", 500)),
    });
    expect(put.DeltaGliderInfo.StorageType).toBe("delta");
    expect([...loaded].sort()).toEqual(["@dg/archive", "@dg/xdelta"]);
    client.destroy();
  });

  it("an S3 client loads the AWS SDK on its first request, not when it is created", async () => {
    const client = createClient({
      // Nothing listens on port 9 of loopback: the request fails fast, after the SDK loaded.
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      maxAttempts: 1,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      env: { DG_CACHE_BACKEND: "memory" },
      logger: { log() {} },
    });
    expect(client.storeKind).toBe("s3");
    expect(client.description).toBe("s3 (client)");
    expect(loaded.has("@aws-sdk/client-s3")).toBe(false);
    await expect(client.listObjectsV2({ Bucket: "some-bucket" })).rejects.toThrow();
    expect(loaded.has("@aws-sdk/client-s3")).toBe(true);
    expect(loaded.has("@dg/s3")).toBe(true);
    client.destroy();
  });
});
