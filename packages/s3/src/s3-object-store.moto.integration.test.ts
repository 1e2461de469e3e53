import { createHash } from "node:crypto";
import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import type { ByteStream, ObjectHeaders, ObjectStore } from "@dg/core";
import { hasCode } from "@dg/core";
import { seededBytes, seededStream } from "@dg/testkit";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { PROBE_PREFIX } from "./conditional-write-probe.js";
import { createS3ObjectStore, type S3ObjectStoreOptions } from "./s3-object-store.js";

const MiB = 1024 * 1024;
const headers: ObjectHeaders = {
  cacheControl: "max-age=60",
  contentDisposition: "inline",
  contentEncoding: "identity",
  contentLanguage: "en",
  expires: new Date("2032-01-01T00:00:00Z"),
};
const endpoint = inject("s3Endpoint");
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const raw = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });

function storeWith(options: Partial<S3ObjectStoreOptions> = {}): ObjectStore {
  return createS3ObjectStore({ endpoint, region: "us-east-1", credentials, ...options });
}

async function sha256(stream: ByteStream): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function openUploads(bucket: string): Promise<number> {
  const page = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return page.Uploads?.length ?? 0;
}

let bucketCounter = 0;
async function freshBucket(store: ObjectStore): Promise<string> {
  bucketCounter += 1;
  const bucket = `moto-s3-${process.pid}-${bucketCounter}`;
  await store.createBucket(bucket);
  return bucket;
}

describe("createS3ObjectStore on moto", () => {
  const small = { multipartThreshold: 5 * MiB, partSize: 5 * MiB };
  let store: ObjectStore;
  beforeAll(() => {
    store = storeWith(small);
  });

  it("uploads a stream of unknown length as a multipart upload and reads it back", async () => {
    const bucket = await freshBucket(store);
    const size = 17 * MiB + 123;
    const put = await store.putObject(bucket, "big/unknown.bin", seededStream("u", size, 100_000));
    expect(put.etag).toMatch(/-4"$/);
    const got = await store.getObject(bucket, "big/unknown.bin");
    expect(got.info.size).toBe(size);
    expect(await sha256(got.body)).toBe(sha256Of(seededBytes("u", size)));
    expect(await openUploads(bucket)).toBe(0);
  });

  it("uploads bytes of known length over the threshold in parts, with metadata", async () => {
    const bucket = await freshBucket(store);
    const body = seededBytes("k", 11 * MiB);
    const put = await store.putObject(bucket, "known.bin", body, {
      metadata: { "DG-Name": "release 日本語 ü.zip" },
      contentType: "application/zip",
      headers,
      tags: { stage: "rc 1" },
    });
    expect(put.etag).toMatch(/-3"$/);
    const head = await store.headObject(bucket, "known.bin");
    expect(head?.metadata).toEqual({ "dg-name": "release 日本語 ü.zip" });
    expect(head?.contentType).toBe("application/zip");
    expect(head?.headers).toEqual(headers);
    expect(await store.getObjectTagging(bucket, "known.bin")).toEqual({ stage: "rc 1" });
    const range = await store.getObject(bucket, "known.bin", {
      range: { start: 5 * MiB - 10, end: 5 * MiB + 9 },
    });
    expect(await sha256(range.body)).toBe(sha256Of(body.subarray(5 * MiB - 10, 5 * MiB + 10)));
  });

  it("refuses a create-only multipart upload over an existing key and leaves no parts", async () => {
    const bucket = await freshBucket(store);
    await store.putObject(bucket, "ref.bin", seededBytes("first", 100));
    const error = await store
      .putObject(bucket, "ref.bin", seededStream("second", 12 * MiB), { ifNoneMatch: true })
      .catch((e: unknown) => e);
    expect(hasCode(error, "CONFLICT")).toBe(true);
    expect(await openUploads(bucket)).toBe(0);
    const kept = await store.getObject(bucket, "ref.bin");
    expect(await sha256(kept.body)).toBe(sha256Of(seededBytes("first", 100)));

    await store.putObject(bucket, "new.bin", seededStream("third", 12 * MiB), {
      ifNoneMatch: true,
    });
    expect((await store.headObject(bucket, "new.bin"))?.size).toBe(12 * MiB);
  });

  it("probes conditional writes once and leaves no probe object behind", async () => {
    const bucket = await freshBucket(store);
    await store.putObject(bucket, "a", seededBytes(1, 10), { ifNoneMatch: true });
    await store.putObject(bucket, "b", seededBytes(2, 10), { ifNoneMatch: true });
    expect(PROBE_PREFIX.startsWith(".deltaglider/")).toBe(true);
    const probes = await store.listObjects(bucket, { prefix: ".deltaglider/" });
    expect(probes.objects).toEqual([]);
  });

  it("aborts the multipart upload when the body fails midway", async () => {
    const bucket = await freshBucket(store);
    async function* failing(): ByteStream {
      yield* seededStream("f", 12 * MiB);
      throw new Error("source disk failed");
    }
    const error = await store.putObject(bucket, "broken.bin", failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/source disk failed/);
    expect(await openUploads(bucket)).toBe(0);
    expect(await store.headObject(bucket, "broken.bin")).toBeUndefined();
  });

  it("aborts the multipart upload when the caller cancels", async () => {
    const bucket = await freshBucket(store);
    const controller = new AbortController();
    async function* slow(): ByteStream {
      let sent = 0;
      for await (const chunk of seededStream("c", 40 * MiB)) {
        sent += chunk.length;
        if (sent > 16 * MiB) controller.abort();
        yield chunk;
      }
    }
    const error = await store
      .putObject(bucket, "cancelled.bin", slow(), { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(hasCode(error, "CANCELLED")).toBe(true);
    expect(await openUploads(bucket)).toBe(0);
  });

  it("copies in parts with UploadPartCopy above the copy threshold", async () => {
    const copier = storeWith({ ...small, multipartCopyThreshold: 6 * MiB, copyPartSize: 5 * MiB });
    const bucket = await freshBucket(copier);
    const body = seededBytes("copy", 13 * MiB + 5);
    await copier.putObject(bucket, "src", body, {
      metadata: { a: "1" },
      contentType: "x/y",
      headers,
      tags: { keep: "me" },
    });
    const kept = await copier.copyObject(bucket, "src", bucket, "dst kept");
    expect(kept.etag).toMatch(/-3"$/);
    const got = await copier.getObject(bucket, "dst kept");
    expect(got.info.metadata).toEqual({ a: "1" });
    expect(got.info.contentType).toBe("x/y");
    expect(got.info.headers).toEqual(headers);
    expect(await copier.getObjectTagging(bucket, "dst kept")).toEqual({ keep: "me" });
    expect(await sha256(got.body)).toBe(sha256Of(body));

    await copier.copyObject(bucket, "src", bucket, "dst replaced", {
      metadata: { b: "2" },
      headers: { contentLanguage: "nl" },
      tags: { new: "tag" },
    });
    const replaced = await copier.headObject(bucket, "dst replaced");
    expect(replaced?.metadata).toEqual({ b: "2" });
    expect(replaced?.contentType).toBe("x/y");
    expect(replaced?.headers).toEqual({ contentLanguage: "nl" });
    expect(await copier.getObjectTagging(bucket, "dst replaced")).toEqual({ new: "tag" });
    expect(replaced?.size).toBe(body.length);
    expect(await openUploads(bucket)).toBe(0);
  });

  it("reports a ranged get past the end as INVALID_ARGUMENT", async () => {
    const bucket = await freshBucket(store);
    await store.putObject(bucket, "r", seededBytes(3, 10));
    const error = await store
      .getObject(bucket, "r", { range: { start: 10 } })
      .catch((e: unknown) => e);
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
  });
});
