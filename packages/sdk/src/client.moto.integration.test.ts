import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caught, concat } from "../test/memory-client.js";
import {
  MOTO_CREDENTIALS,
  motoClient,
  motoEndpoint,
  uniqueBucket,
  motoStore,
} from "../test/moto-client.js";
import { type DeltaGliderClient, hasCode, paginateListObjectsV2 } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes("moto-v1", 300_000);
const v2 = concat(v1.subarray(0, 150_000), seededBytes("moto-v2", 2_000), v1.subarray(150_000));
const v3 = concat(v1, seededBytes("moto-v3", 5_000));

let client: DeltaGliderClient;
let bucket: string;
let dir: string;

let rawStore: ReturnType<typeof motoStore>;
beforeAll(async () => {
  rawStore = motoStore();
  client = motoClient();
  bucket = uniqueBucket("client");
  await client.createBucket({ Bucket: bucket });
  dir = await mkdtemp(join(tmpdir(), "dg-sdk-moto-"));
});
afterAll(async () => {
  client.destroy();
  rawStore.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("objects on S3 (moto)", () => {
  it("round-trips references, deltas and direct files with user metadata", async () => {
    const put1 = await client.putObject({
      Bucket: bucket,
      Key: "rel/app-1.0.zip",
      Body: v1,
      Metadata: { "build-id": "1001", owner: "Team A" },
      ContentType: "application/zip",
    });
    expect(put1.DeltaGliderInfo.StorageType).toBe("reference");
    expect(put1.ETag).toMatch(/^".+"$/);
    const put2 = await client.putObject({
      Bucket: bucket,
      Key: "rel/app-1.1.zip",
      Body: Readable.from([v2.subarray(0, 100_000), v2.subarray(100_000)]),
      Metadata: { "build-id": "1002" },
    });
    expect(put2.DeltaGliderInfo.StorageType).toBe("delta");
    expect(put2.DeltaGliderInfo.StoredSize).toBeLessThan(v2.length / 10);
    await client.putObject({ Bucket: bucket, Key: "rel/notes.txt", Body: "release notes" });

    const got1 = await client.getObject({ Bucket: bucket, Key: "rel/app-1.0.zip" });
    expect(got1).toMatchObject({
      ContentLength: v1.length,
      ContentType: "application/zip",
      Metadata: { "build-id": "1001", owner: "Team A" },
    });
    expect(got1.LastModified).toBeInstanceOf(Date);
    expect(got1.ETag).toBeTruthy();
    expect(sha(await got1.Body.transformToByteArray())).toBe(sha(v1));
    const got2 = await client.getObject({ Bucket: bucket, Key: "rel/app-1.1.zip" });
    expect(got2.Metadata).toEqual({ "build-id": "1002" });
    expect(sha(await got2.Body.transformToByteArray())).toBe(sha(v2));
    const notes = await client.getObject({ Bucket: bucket, Key: "rel/notes.txt" });
    expect(await notes.Body.transformToString()).toBe("release notes");
    expect(notes.DeltaGliderInfo.StorageType).toBe("direct");

    const head = await client.headObject({ Bucket: bucket, Key: "rel/app-1.1.zip" });
    expect(head).toMatchObject({
      ContentLength: v2.length,
      DeltaGliderInfo: {
        StorageType: "delta",
        StoredKey: "rel/app-1.1.zip.delta",
        Sha256: sha(v2),
      },
    });
  });

  it("serves ranges of delta and direct objects", async () => {
    await client.putObject({ Bucket: bucket, Key: "ranges/a.zip", Body: v1 });
    await client.putObject({ Bucket: bucket, Key: "ranges/b.zip", Body: v3 });
    await client.putObject({ Bucket: bucket, Key: "ranges/c.bin", Body: v3 });
    for (const Key of ["ranges/b.zip", "ranges/c.bin"]) {
      for (const [Range, start, end] of [
        ["bytes=1000-1999", 1000, 1999],
        ["bytes=299990-", 299_990, v3.length - 1],
        ["bytes=-16", v3.length - 16, v3.length - 1],
      ] as const) {
        const got = await client.getObject({ Bucket: bucket, Key, Range });
        expect(got.ContentRange).toBe(`bytes ${start}-${end}/${v3.length}`);
        expect(got.ContentLength).toBe(end - start + 1);
        expect(sha(await got.Body.transformToByteArray())).toBe(sha(v3.subarray(start, end + 1)));
      }
    }
  });

  it("lists, copies and deletes", async () => {
    const page = await client.listObjectsV2({ Bucket: bucket, Prefix: "rel/", Delimiter: "/" });
    expect(page.Contents.map((o) => [o.Key, o.Size])).toEqual([
      ["rel/app-1.0.zip", v1.length],
      ["rel/app-1.1.zip", v2.length],
      ["rel/notes.txt", 13],
    ]);
    const top = await client.listObjectsV2({ Bucket: bucket, Delimiter: "/" });
    expect(top.CommonPrefixes.map((p) => p.Prefix)).toEqual(["ranges/", "rel/"]);

    const target = uniqueBucket("copy-dst");
    await client.createBucket({ Bucket: target });
    const copied = await client.copyObject({
      Bucket: target,
      Key: "mirror/app 1.1+é.zip",
      CopySource: `${bucket}/${encodeURIComponent("rel/app-1.1.zip")}`,
    });
    expect(copied.DeltaGliderInfo.StorageType).toBe("reference");
    const back = await client.getObject({ Bucket: target, Key: "mirror/app 1.1+é.zip" });
    expect(back.Metadata).toEqual({ "build-id": "1002" });
    expect(sha(await back.Body.transformToByteArray())).toBe(sha(v2));
    const again = await client.copyObject({
      Bucket: target,
      Key: `mirror/app-1.0.zip`,
      CopySource: `/${bucket}/rel/app-1.0.zip`,
      MetadataDirective: "REPLACE",
      Metadata: { replaced: "yes" },
    });
    expect(again.DeltaGliderInfo.StorageType).toBe("delta");
    expect(
      (await client.headObject({ Bucket: target, Key: "mirror/app-1.0.zip" })).Metadata,
    ).toEqual({ replaced: "yes" });

    const deleted = await client.deleteObjects({
      Bucket: target,
      Delete: { Objects: [{ Key: "mirror/app 1.1+é.zip" }, { Key: "mirror/app-1.0.zip" }] },
    });
    expect(deleted.DeltaGliderInfo.ReferencesDeleted).toBe(true);
    expect((await client.listObjectsV2({ Bucket: target })).KeyCount).toBe(0);
    await client.deleteBucket({ Bucket: target });
    expect(hasCode(await caught(client.headBucket({ Bucket: target })), "NOT_FOUND")).toBe(true);

    const one = await client.deleteObject({ Bucket: bucket, Key: "ranges/c.bin" });
    expect(one.DeltaGliderInfo).toMatchObject({ Deleted: true, DeletedKeys: ["ranges/c.bin"] });
  });

  it("paginates with the paginator", async () => {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client, pageSize: 2 },
      { Bucket: bucket, Prefix: "r" },
    )) {
      keys.push(...page.Contents.map((o) => o.Key));
    }
    expect(keys).toEqual([
      "ranges/a.zip",
      "ranges/b.zip",
      "rel/app-1.0.zip",
      "rel/app-1.1.zip",
      "rel/notes.txt",
    ]);
  });
});

describe("buckets, ACLs and presigned URLs on S3 (moto)", () => {
  it("lists and heads buckets", async () => {
    const { Buckets } = await client.listBuckets();
    expect(Buckets.map((b) => b.Name)).toContain(bucket);
    await client.headBucket({ Bucket: bucket });
    const error = await caught(client.headBucket({ Bucket: uniqueBucket("missing") }));
    expect(hasCode(error, "NOT_FOUND")).toBe(true);
  });

  it("reads and sets bucket ACLs through S3", async () => {
    const before = await client.getBucketAcl({ Bucket: bucket });
    expect(before.Grants.some((g) => g.Permission === "FULL_CONTROL")).toBe(true);
    await client.putBucketAcl({ Bucket: bucket, ACL: "public-read" });
    const after = await client.getBucketAcl({ Bucket: bucket });
    expect(
      after.Grants.some(
        (g) => g.Permission === "READ" && g.Grantee.URI?.endsWith("/global/AllUsers") === true,
      ),
    ).toBe(true);
    await client.putBucketAcl({ Bucket: bucket, ACL: "private" });
    const missing = await caught(client.getBucketAcl({ Bucket: uniqueBucket("no-acl") }));
    expect(hasCode(missing, "NOT_FOUND")).toBe(true);
  });

  it("presigns direct objects and refuses deltas with a hint", async () => {
    const url = await client.getSignedUrl({ Bucket: bucket, Key: "rel/notes.txt", ExpiresIn: 60 });
    expect(url.startsWith(motoEndpoint())).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("release notes");
    const error = await caught(client.getSignedUrl({ Bucket: bucket, Key: "rel/app-1.1.zip" }));
    expect(hasCode(error, "UNSUPPORTED")).toBe(true);
    expect((error as { hint?: string }).hint).toMatch(/--no-delta/);
  });

  it("gives an injected store S3's ACLs and links when an S3Client comes with it", async () => {
    const s3Client = new S3Client({
      endpoint: motoEndpoint(),
      region: "us-east-1",
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
    // The raw store without what it declares: a store of the caller's own.
    const { capabilities: _declared, ...plain } = rawStore.store;
    const injected = motoClient({ store: plain, s3Client });
    const acl = await injected.getBucketAcl({ Bucket: bucket });
    expect(acl.Grants.some((g) => g.Permission === "FULL_CONTROL")).toBe(true);
    const url = await injected.getSignedUrl({ Bucket: bucket, Key: "rel/notes.txt" });
    expect(await (await fetch(url)).text()).toBe("release notes");
    const without = motoClient({ store: plain });
    expect(hasCode(await caught(without.getBucketAcl({ Bucket: bucket })), "UNSUPPORTED")).toBe(
      true,
    );
    for (const c of [injected, without]) c.destroy();
    s3Client.destroy();
  });

  it("uses an S3Client passed in", async () => {
    const s3Client = new S3Client({
      endpoint: motoEndpoint(),
      region: "us-east-1",
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
    const other = motoClient({ s3Client, endpoint: "http://ignored.invalid" });
    const got = await other.getObject({ Bucket: bucket, Key: "rel/app-1.1.zip" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
    other.destroy(); // not ours: the passed client keeps working
    const raw = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: "rel/notes.txt" }));
    expect(await raw.Body?.transformToString()).toBe("release notes");
    s3Client.destroy();
  });
});

describe("the simple API on S3 (moto)", () => {
  it("uploads, downloads atomically, verifies", async () => {
    const f1 = join(dir, "tool-2.0.zip");
    const f2 = join(dir, "tool-2.1.zip");
    await writeFile(f1, v1);
    await writeFile(f2, v3);
    const up1 = await client.uploadFile(f1, `s3://${bucket}/tools/`, { metadata: { k: "v" } });
    expect(up1).toMatchObject({ key: "tools/tool-2.0.zip", storageType: "reference" });
    const up2 = await client.uploadFile(f2, `s3://${bucket}/tools/latest.zip`);
    expect(up2).toMatchObject({ key: "tools/latest.zip", storageType: "delta" });
    const out = join(dir, "out", "deep", "latest.zip");
    const down = await client.downloadFile(`s3://${bucket}/tools/latest.zip`, out);
    expect(down).toMatchObject({ size: v3.length, verified: true, sha256: sha(v3) });
    expect(sha(await readFile(out))).toBe(sha(v3));
    expect(await client.verifyObject(`s3://${bucket}/tools/latest.zip`)).toMatchObject({
      status: "ok",
      storageType: "delta",
    });
    expect(
      (await client.headObject({ Bucket: bucket, Key: "tools/tool-2.0.zip" })).Metadata,
    ).toEqual({
      k: "v",
    });
  });

  it("computes bucket stats in every mode", async () => {
    for (const mode of ["quick", "sampled", "detailed"] as const) {
      const stats = await client.getBucketStats(bucket, { mode, prefix: "tools/" });
      expect(stats.deltaspaces).toHaveLength(1);
      expect(stats).toMatchObject({
        objectCount: 2,
        deltaObjects: 2,
        referenceObjects: 1,
        originalBytes: v1.length + v3.length,
        brokenDeltas: 0,
      });
      expect(stats.storedBytes).toBeLessThan(v1.length + 20_000);
    }
  });

  it("estimates the savings of a plain prefix without writing", async () => {
    const raw = uniqueBucket("plain");
    await client.createBucket({ Bucket: raw });
    for (const [i, body] of [v1, v2, v3].entries()) {
      await rawStore.store.putObject(raw, `builds/b${i}.zip`, body);
    }
    const estimate = await client.estimateCompression(`s3://${raw}/builds/`);
    expect(estimate).toMatchObject({ objectCount: 3, eligibleObjects: 3, sampledObjects: 2 });
    expect(estimate.estimatedSavingsPercent).toBeGreaterThan(50);
    expect((await rawStore.store.listObjects(raw)).objects).toHaveLength(3);
  });
});
