// A 6 GiB object through the S3 store on moto, streamed from a seeded generator and never
// held in memory. Slow (minutes) and heavy for moto, so it runs only with DG_LARGE_TESTS=1.
// No multipart copy of it here: moto 5.2.1 reads the whole source object into memory for each
// UploadPartCopy and was OOM-killed (24 GiB) copying 6 GiB, even one part at a time. The
// UploadPartCopy path is tested on moto with a lowered threshold instead.
import { createHash } from "node:crypto";
import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import type { ByteStream } from "@dg/core";
import { type MotoServer, seededSlice, seededStream, startMoto } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ObjectStore } from "./s3-object-store.js";

const large = process.env.DG_LARGE_TESTS === "1";
const GiB = 1024 ** 3;
const SIZE = 6 * GiB;
const SEED = "dg-large-6gib";

async function* hashing(source: ByteStream, hash: ReturnType<typeof createHash>): ByteStream {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

async function collect(stream: ByteStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("a 6 GiB object on moto", () => {
  // Its own moto, so that the gigabytes it holds are freed when the test ends.
  let moto: MotoServer;
  beforeAll(async () => {
    if (large) moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it.runIf(large)(
    "goes up as a multipart upload and comes back with the same SHA-256, in flat memory",
    async () => {
      const credentials = { accessKeyId: "test", secretAccessKey: "test" };
      const store = createS3ObjectStore({
        endpoint: moto.endpoint,
        region: "us-east-1",
        credentials,
      });
      const bucket = "large-objects";
      await store.createBucket(bucket);
      const rssBefore = process.resourceUsage().maxRSS;
      const started = performance.now();

      const sent = createHash("sha256");
      const put = await store.putObject(
        bucket,
        "six.bin",
        hashing(seededStream(SEED, SIZE), sent),
        {
          contentLength: SIZE,
          ifNoneMatch: true,
        },
      );
      const uploaded = performance.now();
      expect(put.etag).toMatch(/-768"$/);

      const got = await store.getObject(bucket, "six.bin");
      expect(got.info.size).toBe(SIZE);
      const received = createHash("sha256");
      let bytes = 0;
      for await (const chunk of got.body) {
        received.update(chunk);
        bytes += chunk.length;
      }
      const downloaded = performance.now();
      expect(bytes).toBe(SIZE);
      expect(received.digest("hex")).toBe(sent.digest("hex"));

      const seconds = (to: number, from: number) => ((to - from) / 1000).toFixed(1);
      const rssTransfer = process.resourceUsage().maxRSS;
      console.log(
        `[large] 6 GiB: upload ${seconds(uploaded, started)} s, download ${seconds(downloaded, uploaded)} s; ` +
          `peak RSS ${(rssBefore / 1024).toFixed(0)} MiB before, ${(rssTransfer / 1024).toFixed(0)} MiB after`,
      );

      const raw = new S3Client({
        endpoint: moto.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials,
      });
      const uploads = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect(uploads.Uploads ?? []).toEqual([]);

      // Flat memory: far below the object's size (maxRSS is in KiB).
      expect(rssTransfer).toBeLessThan(1024 * 1024);

      // A ranged read deep into the object.
      const start = 5 * GiB - 7;
      const range = await store.getObject(bucket, "six.bin", {
        range: { start, end: start + 4095 },
      });
      expect((await collect(range.body)).equals(Buffer.from(seededSlice(SEED, start, 4096)))).toBe(
        true,
      );
    },
    60 * 60_000,
  );
});
