import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caught, concat } from "../test/memory-client.js";
import { createClient, type DeltaGliderClient, hasCode } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let root: string;
let client: DeltaGliderClient;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-dir-"));
  client = createClient({
    env: { DG_ENDPOINT_URL: pathToFileURL(root).href, DG_CACHE_BACKEND: "memory" },
    logger: { log() {} },
  });
});
afterEach(async () => {
  client.destroy();
  await rm(root, { recursive: true, force: true });
});

describe("a client on a file:// endpoint", () => {
  it("stores and rebuilds deltas in the local directory with the real codec", async () => {
    expect(client.storeKind).toBe("dir");
    expect(client.endpoint).toBe(pathToFileURL(root).href);
    await client.createBucket({ Bucket: "local" });
    const v1 = seededBytes("dir-1", 100_000);
    const v2 = concat(v1, seededBytes("dir-2", 1_000));
    await client.putObject({ Bucket: "local", Key: "a/v1.zip", Body: v1, Metadata: { m: "1" } });
    const put = await client.putObject({ Bucket: "local", Key: "a/v2.zip", Body: v2 });
    expect(put.DeltaGliderInfo.StorageType).toBe("delta");
    expect(put.DeltaGliderInfo.StoredSize).toBeLessThan(5_000);
    const got = await client.getObject({ Bucket: "local", Key: "a/v2.zip" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
    expect((await client.headObject({ Bucket: "local", Key: "a/v1.zip" })).Metadata).toEqual({
      m: "1",
    });
    const listed = await client.listObjectsV2({ Bucket: "local", Prefix: "a/" });
    expect(listed.Contents.map((o) => [o.Key, o.Size])).toEqual([
      ["a/v1.zip", v1.length],
      ["a/v2.zip", v2.length],
    ]);
    expect((await client.listBuckets()).Buckets.map((b) => b.Name)).toEqual(["local"]);
  });

  it("gives a canned owner ACL, refuses to set one, and has no presigned URLs", async () => {
    await client.createBucket({ Bucket: "local" });
    await client.putObject({ Bucket: "local", Key: "f.txt", Body: "x" });
    const acl = await client.getBucketAcl({ Bucket: "local" });
    expect(acl.Grants).toEqual([
      {
        Grantee: { Type: "CanonicalUser", ID: "local", DisplayName: "local" },
        Permission: "FULL_CONTROL",
      },
    ]);
    expect(hasCode(await caught(client.getBucketAcl({ Bucket: "nope" })), "NOT_FOUND")).toBe(true);
    const put = await caught(client.putBucketAcl({ Bucket: "local", ACL: "public-read" }));
    expect(hasCode(put, "UNSUPPORTED")).toBe(true);
    expect((put as { hint?: string }).hint).toMatch(/file system/);
    const url = await caught(client.getSignedUrl({ Bucket: "local", Key: "f.txt" }));
    expect(hasCode(url, "UNSUPPORTED")).toBe(true);
  });

  it("refuses links and upload forms with UNSUPPORTED before rebuilding anything", async () => {
    await client.createBucket({ Bucket: "local" });
    const v1 = seededBytes("dir-link-1", 50_000);
    await client.putObject({ Bucket: "local", Key: "a/v1.zip", Body: v1 });
    await client.putObject({
      Bucket: "local",
      Key: "a/v2.zip",
      Body: concat(v1, v1.subarray(0, 10)),
    });
    const url = await caught(client.getSignedUrl({ Bucket: "local", Key: "a/v2.zip" }));
    expect(hasCode(url, "UNSUPPORTED")).toBe(true);
    expect((url as { hint?: string }).hint).toMatch(/S3 endpoint/);
    const form = await caught(client.createPresignedPost({ Bucket: "local", Key: "in/x.zip" }));
    expect(hasCode(form, "UNSUPPORTED")).toBe(true);
    const scan = await client.purgeTempFiles("local", { dryRun: true });
    expect(scan.tempFiles).toEqual({ expired: [], live: 0, undated: [] });
  });
});
