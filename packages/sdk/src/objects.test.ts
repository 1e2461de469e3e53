import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createMemoryObjectStore } from "@dg/core/memory";
import { failingDeletes, seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { caught, concat, memoryClient } from "../test/memory-client.js";
import { hasCode, paginateListObjectsV2 } from "./index.js";
import { parseCopySource } from "./objects.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes(1, 40_000);
const v2 = concat(v1, seededBytes(2, 500));

describe("putObject / getObject", () => {
  it("stores a reference, then a delta, and reads both back verified", async () => {
    const { client } = memoryClient();
    const first = await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    expect(first.DeltaGliderInfo).toMatchObject({
      StorageType: "reference",
      StoredKey: "rel/app-1.zip.delta",
      OriginalSize: v1.length,
      Sha256: sha(v1),
      ReferenceKey: "rel/reference.bin",
    });
    const second = await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    expect(second.DeltaGliderInfo.StorageType).toBe("delta");
    expect(second.DeltaGliderInfo.StoredSize).toBeLessThan(1_000);
    expect(second.DeltaGliderInfo.SavingsPercent).toBeGreaterThan(97);
    expect(second.DeltaGliderInfo.DeltaRatio).toBeCloseTo(
      second.DeltaGliderInfo.StoredSize / v2.length,
    );
    const got = await client.getObject({ Bucket: "bkt", Key: "rel/app-2.zip" });
    expect(got.ContentLength).toBe(v2.length);
    expect(got.DeltaGliderInfo.StorageType).toBe("delta");
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
  });

  it("accepts every body type, spooling one-shot streams to scratch space", async () => {
    const { client, scratchCount } = memoryClient();
    const text = "hello, deltaglider";
    const bytes = new TextEncoder().encode(text);
    const bodies = {
      "a.txt": text,
      "b.txt": Buffer.from(bytes),
      "c.txt": new Blob([bytes]),
      "d.txt": Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]),
      "e.txt": new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
      "f.txt": (async function* () {
        yield bytes;
      })(),
    };
    for (const [key, Body] of Object.entries(bodies)) {
      const before = scratchCount.created;
      await client.putObject({ Bucket: "bkt", Key: key, Body });
      const spooled = scratchCount.created - before;
      expect(spooled, key).toBe(["d.txt", "e.txt", "f.txt"].includes(key) ? 1 : 0);
      const got = await client.getObject({ Bucket: "bkt", Key: key });
      expect(await got.Body.transformToString(), key).toBe(text);
    }
  });

  it("keeps user metadata and content type, and hides the dg-* keys", async () => {
    const { client, store } = memoryClient();
    await client.putObject({
      Bucket: "bkt",
      Key: "rel/app-1.zip",
      Body: v1,
      Metadata: { Owner: "team-a", build: "42" },
      ContentType: "application/zip",
    });
    const head = await client.headObject({ Bucket: "bkt", Key: "rel/app-1.zip" });
    expect(head.Metadata).toEqual({ owner: "team-a", build: "42" });
    expect(head.ContentType).toBe("application/zip");
    expect(head.ContentLength).toBe(v1.length);
    const stored = await store.headObject("bkt", "rel/app-1.zip.delta");
    expect(stored?.metadata).toMatchObject({ owner: "team-a", "dg-file-size": String(v1.length) });
  });

  it("refuses reserved metadata keys and a wrong ContentLength", async () => {
    const { client } = memoryClient();
    const reserved = await caught(
      client.putObject({ Bucket: "bkt", Key: "x.zip", Body: v1, Metadata: { "dg-note": "x" } }),
    );
    expect(hasCode(reserved, "INVALID_ARGUMENT")).toBe(true);
    const length = await caught(
      client.putObject({ Bucket: "bkt", Key: "x.zip", Body: v1, ContentLength: 5 }),
    );
    expect(hasCode(length, "INTEGRITY")).toBe(true);
  });

  it("stores directly with UseDelta false, and when the delta exceeds MaxRatio", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    const off = await client.putObject({
      Bucket: "bkt",
      Key: "rel/app-2.zip",
      Body: v2,
      UseDelta: false,
    });
    expect(off.DeltaGliderInfo).toMatchObject({
      StorageType: "direct",
      DirectReason: "delta-disabled",
      DeltaRatio: 1,
      SavingsPercent: 0,
    });
    const unrelated = await client.putObject({
      Bucket: "bkt",
      Key: "rel/other.zip",
      Body: seededBytes(9, 40_000),
    });
    expect(unrelated.DeltaGliderInfo).toMatchObject({
      StorageType: "direct",
      DirectReason: "max-ratio",
    });
  });

  it("serves ranges of the original bytes, all three forms", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    await client.putObject({ Bucket: "bkt", Key: "notes.txt", Body: v2 });
    const n = v2.length;
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=40100-", 40_100, n - 1],
      ["bytes=-7", n - 7, n - 1],
      ["bytes=40490-999999", 40_490, n - 1],
    ];
    for (const key of ["rel/app-2.zip", "notes.txt"]) {
      for (const [Range, start, end] of cases) {
        const got = await client.getObject({ Bucket: "bkt", Key: key, Range });
        expect(got.ContentLength, Range).toBe(end - start + 1);
        expect(got.ContentRange, Range).toBe(`bytes ${start}-${end}/${n}`);
        const bytes = await got.Body.transformToByteArray();
        expect(sha(bytes), `${key} ${Range}`).toBe(sha(v2.subarray(start, end + 1)));
      }
    }
    for (const Range of ["bytes=50000-", "bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=-0"]) {
      const error = await caught(client.getObject({ Bucket: "bkt", Key: "rel/app-2.zip", Range }));
      expect(hasCode(error, "INVALID_ARGUMENT"), Range).toBe(true);
    }
  });

  it("makes a damaged delta fail at the end of the body with an IntegrityError", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    const stored = await store.headObject("bkt", "rel/app-2.zip.delta");
    const { body } = await store.getObject("bkt", "rel/app-2.zip.delta");
    const chunks: Uint8Array[] = [];
    for await (const c of body) chunks.push(c);
    const damaged = concat(...chunks);
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 0xff;
    await store.putObject("bkt", "rel/app-2.zip.delta", damaged, {
      metadata: stored?.metadata ?? {},
    });
    const got = await client.getObject({ Bucket: "bkt", Key: "rel/app-2.zip" });
    const error = await caught(got.Body.transformToByteArray());
    expect(hasCode(error, "INTEGRITY")).toBe(true);
  });

  it("reports a missing object as NotFoundError", async () => {
    const { client } = memoryClient();
    const error = await caught(client.getObject({ Bucket: "bkt", Key: "nope.zip" }));
    expect(hasCode(error, "NOT_FOUND")).toBe(true);
  });

  it("cancels with the signal", async () => {
    const { client } = memoryClient();
    const controller = new AbortController();
    controller.abort();
    const error = await caught(
      client.putObject(
        { Bucket: "bkt", Key: "a.zip", Body: Readable.from([v1]) },
        { signal: controller.signal },
      ),
    );
    expect(hasCode(error, "CANCELLED")).toBe(true);
  });
});

describe("listObjectsV2", () => {
  it("lists logical names with original sizes, hiding references", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    await client.putObject({ Bucket: "bkt", Key: "rel/notes.txt", Body: "hi" });
    const page = await client.listObjectsV2({ Bucket: "bkt", Prefix: "rel/" });
    expect(page.Contents.map((o) => [o.Key, o.Size])).toEqual([
      ["rel/app-1.zip", v1.length],
      ["rel/app-2.zip", v2.length],
      ["rel/notes.txt", 2],
    ]);
    expect(page).toMatchObject({ KeyCount: 3, IsTruncated: false, Name: "bkt", MaxKeys: 1000 });
    const stored = await client.listObjectsV2({
      Bucket: "bkt",
      Prefix: "rel/",
      FetchOriginalSizes: false,
    });
    const delta = stored.Contents.find((o) => o.Key === "rel/app-2.zip");
    expect(delta?.Size).toBe(delta?.DeltaGliderInfo.StoredSize);
    expect(delta?.Size).toBeLessThan(1_000);
  });

  it("groups with a delimiter and paginates with tokens and StartAfter", async () => {
    const { client } = memoryClient();
    for (let i = 0; i < 7; i++) {
      await client.putObject({ Bucket: "bkt", Key: `f${i}.txt`, Body: `file ${i}` });
    }
    await client.putObject({ Bucket: "bkt", Key: "dir/a.zip", Body: v1 });
    const top = await client.listObjectsV2({ Bucket: "bkt", Delimiter: "/" });
    expect(top.CommonPrefixes).toEqual([{ Prefix: "dir/" }]);
    expect(top.KeyCount).toBe(8);
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(client, { Bucket: "bkt", MaxKeys: 3 })) {
      pages++;
      keys.push(...page.Contents.map((o) => o.Key));
    }
    expect(keys).toEqual(["dir/a.zip", ...Array.from({ length: 7 }, (_, i) => `f${i}.txt`)]);
    expect(pages).toBeGreaterThan(2);
    const after = await client.listObjectsV2({ Bucket: "bkt", StartAfter: "f4.txt" });
    expect(after.Contents.map((o) => o.Key)).toEqual(["f5.txt", "f6.txt"]);
    const sized = paginateListObjectsV2({ client, pageSize: 4 }, { Bucket: "bkt" });
    for await (const page of sized) expect(page.MaxKeys).toBe(4);
  });
});

describe("deleteObject / deleteObjects", () => {
  it("deletes deltas and their reference with the last one", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    const one = await client.deleteObject({ Bucket: "bkt", Key: "rel/app-1.zip" });
    expect(one.DeltaGliderInfo).toMatchObject({ Deleted: true, ReferenceDeleted: false });
    const missing = await client.deleteObject({ Bucket: "bkt", Key: "rel/nope.zip" });
    expect(missing.DeltaGliderInfo.Deleted).toBe(false);
    const many = await client.deleteObjects({
      Bucket: "bkt",
      Delete: {
        Objects: [{ Key: "rel/app-2.zip" }, { Key: "rel/reference.bin" }, { Key: "gone.zip" }],
      },
    });
    expect(many.Deleted).toEqual([{ Key: "rel/app-2.zip" }, { Key: "gone.zip" }]);
    expect(many.Errors.map((e) => [e.Key, e.Code])).toEqual([
      ["rel/reference.bin", "InvalidArgument"],
    ]);
    expect(many.DeltaGliderInfo).toMatchObject({
      ReferencesDeleted: true,
      MissingKeys: ["gone.zip"],
    });
    expect(await store.headObject("bkt", "rel/reference.bin")).toBeUndefined();
  });

  it("reports a key that fails on its own and deletes the others", async () => {
    const store = failingDeletes(createMemoryObjectStore({ buckets: ["bkt"] }), [
      "rel/app-2.zip.delta",
    ]);
    const { client } = memoryClient({ store });
    for (const [Key, Body] of [
      ["rel/app-1.zip", v1],
      ["rel/app-2.zip", v2],
      ["rel/notes.txt", v1.slice(0, 10)],
    ] as const) {
      await client.putObject({ Bucket: "bkt", Key, Body });
    }
    const many = await client.deleteObjects({
      Bucket: "bkt",
      Delete: {
        Objects: [{ Key: "rel/app-1.zip" }, { Key: "rel/app-2.zip" }, { Key: "rel/notes.txt" }],
      },
    });
    expect(many.Deleted).toEqual([{ Key: "rel/app-1.zip" }, { Key: "rel/notes.txt" }]);
    expect(many.Errors.map((e) => [e.Key, e.Code])).toEqual([["rel/app-2.zip", "AccessDenied"]]);
    expect(many.DeltaGliderInfo.ReferencesDeleted).toBe(false);
    expect(await store.headObject("bkt", "rel/reference.bin")).toBeDefined();
    const left = await client.getObject({ Bucket: "bkt", Key: "rel/app-2.zip" });
    expect(left.ContentLength).toBe(v2.length);
    const single = await caught(client.deleteObject({ Bucket: "bkt", Key: "rel/app-2.zip" }));
    expect(hasCode(single, "PERMISSION_DENIED")).toBe(true);
  });
});

describe("copyObject", () => {
  it("rebuilds the source and re-encodes it at the destination, with COPY and REPLACE", async () => {
    const { client } = memoryClient();
    await client.putObject({
      Bucket: "bkt",
      Key: "rel/app-1.zip",
      Body: v1,
      Metadata: { a: "1" },
      ContentType: "application/zip",
    });
    await client.putObject({ Bucket: "bkt", Key: "rel/app+2 é.zip", Body: v2 });
    await client.createBucket({ Bucket: "dst" });
    const copied = await client.copyObject({
      Bucket: "dst",
      Key: "x/app-1.zip",
      CopySource: "bkt/rel/app-1.zip",
    });
    expect(copied.DeltaGliderInfo.StorageType).toBe("reference");
    const head = await client.headObject({ Bucket: "dst", Key: "x/app-1.zip" });
    expect(head.Metadata).toEqual({ a: "1" });
    expect(head.ContentType).toBe("application/zip");
    const replaced = await client.copyObject({
      Bucket: "dst",
      Key: "x/app-2.zip",
      CopySource: `/bkt/${encodeURIComponent("rel/app+2 é.zip")}`,
      MetadataDirective: "REPLACE",
      Metadata: { b: "2" },
    });
    expect(replaced.DeltaGliderInfo.StorageType).toBe("delta");
    const got = await client.getObject({ Bucket: "dst", Key: "x/app-2.zip" });
    expect(got.Metadata).toEqual({ b: "2" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
  });

  it("parses CopySource as the AWS SDK encodes it", () => {
    expect(parseCopySource("b/a%2Bb%20c%2F%C3%A9.zip")).toEqual({
      bucket: "b",
      key: "a+b c/é.zip",
    });
    expect(parseCopySource("/b/k")).toEqual({ bucket: "b", key: "k" });
    for (const bad of ["b", "b/", "/k", "b/k?versionId=3", "b/%E0%A4%A"]) {
      expect(() => parseCopySource(bad), bad).toThrow();
    }
  });
});

describe("buckets", () => {
  it("creates, lists, heads and deletes buckets through the store", async () => {
    const { client } = memoryClient();
    expect(await client.createBucket({ Bucket: "new-bucket" })).toEqual({
      Location: "/new-bucket",
    });
    const names = (await client.listBuckets()).Buckets.map((b) => b.Name);
    expect(names).toContain("new-bucket");
    await client.headBucket({ Bucket: "new-bucket" });
    await client.putObject({ Bucket: "new-bucket", Key: "a.txt", Body: "x" });
    expect(hasCode(await caught(client.deleteBucket({ Bucket: "new-bucket" })), "CONFLICT")).toBe(
      true,
    );
    await client.deleteObject({ Bucket: "new-bucket", Key: "a.txt" });
    await client.deleteBucket({ Bucket: "new-bucket" });
    expect(hasCode(await caught(client.headBucket({ Bucket: "new-bucket" })), "NOT_FOUND")).toBe(
      true,
    );
  });

  it("refuses ACLs and presigned URLs without an S3 client, with a hint", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "a.txt", Body: "x" });
    for (const call of [
      client.getBucketAcl({ Bucket: "bkt" }),
      client.putBucketAcl({ Bucket: "bkt", ACL: "private" }),
      client.getSignedUrl({ Bucket: "bkt", Key: "a.txt" }),
    ]) {
      const error = await caught(call);
      expect(hasCode(error, "UNSUPPORTED")).toBe(true);
      expect((error as { hint?: string }).hint).toBeTruthy();
    }
  });
});
