import { CreateMultipartUploadCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { UPLOAD_MARKER_PREFIX } from "@dg/core";
import { createS3Client, createS3ObjectStore } from "@dg/s3";
import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { MOTO_CREDENTIALS, motoClient, motoEndpoint, uniqueBucket } from "../test/moto-client.js";

const MiB = 1024 * 1024;

/** The S3 store on moto, with multipart uploads from 5 MiB (S3's smallest part). */
function rawStore() {
  const s3 = createS3Client({
    endpoint: motoEndpoint(),
    region: "us-east-1",
    credentials: MOTO_CREDENTIALS,
  });
  return {
    s3,
    store: createS3ObjectStore({ client: s3, multipartThreshold: 5 * MiB, partSize: 5 * MiB }),
  };
}

describe("purge and unfinished multipart uploads (moto)", () => {
  it("aborts ours past --older-than, keeps younger ones and never touches another tool's", async () => {
    const { s3, store } = rawStore();
    // The purge's "now" is an hour after the uploads began: moto reports a fixed Initiated time
    // (2010-11-10) for every upload, so the clock is set from what it reports.
    let now = new Date();
    const client = motoClient({ clock: { now: () => now } });
    const bucket = uniqueBucket("uploads");
    await client.createBucket({ Bucket: bucket });

    // An upload of ours that stops for good after its first part is read: what a process
    // killed mid-upload leaves on S3 (the process never comes back to abort it).
    let stalled!: () => void;
    const reached = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      yield seededBytes("upload-part-1", 6 * MiB);
      stalled();
      await new Promise<never>(() => undefined);
    }
    void store.putObject(bucket, "rel/big.bin", body()).catch(() => undefined);
    await reached;
    // Another tool's unfinished upload: no mark.
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "other/x.bin" }));

    const uploads = async () =>
      (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];
    const listed = async () => (await uploads()).map((upload) => upload.Key).sort();
    expect(await listed()).toEqual(["other/x.bin", "rel/big.bin"]);
    const initiated = Math.max(...(await uploads()).map((u) => u.Initiated?.getTime() ?? 0));
    now = new Date(initiated + 60 * 60 * 1000);
    const before = await store.listObjects(bucket, { prefix: UPLOAD_MARKER_PREFIX });
    expect(before.objects).toHaveLength(1);

    // Default threshold, 24 hours: both are younger, nothing is aborted.
    const young = await client.purgeTempFiles(bucket);
    expect(young.uploads).toMatchObject({ supported: true, stale: [], recent: 1, foreign: 1 });
    expect(young.uploadsAborted).toEqual([]);

    const dry = await client.purgeTempFiles(bucket, { olderThanMs: 0, dryRun: true });
    expect(dry.uploads.stale.map((upload) => upload.key)).toEqual(["rel/big.bin"]);
    expect(await listed()).toEqual(["other/x.bin", "rel/big.bin"]);

    const purged = await client.purgeTempFiles(bucket, { olderThanMs: 0 });
    expect(purged.uploadsAborted).toEqual(["rel/big.bin"]);
    expect(purged.errors).toEqual([]);
    expect(await listed()).toEqual(["other/x.bin"]);
    // The mark went with its upload.
    const marks = await store.listObjects(bucket, { prefix: UPLOAD_MARKER_PREFIX });
    expect(marks.objects).toEqual([]);

    client.destroy();
    s3.destroy();
  });

  it("leaves no mark behind after an upload that completes", async () => {
    const { s3, store } = rawStore();
    const client = motoClient();
    const bucket = uniqueBucket("uploads-done");
    await client.createBucket({ Bucket: bucket });
    await store.putObject(bucket, "big.bin", seededBytes("complete", 11 * MiB));
    expect((await store.listObjects(bucket, { prefix: UPLOAD_MARKER_PREFIX })).objects).toEqual([]);
    expect((await store.headObject(bucket, "big.bin"))?.size).toBe(11 * MiB);
    client.destroy();
    s3.destroy();
  });
});
