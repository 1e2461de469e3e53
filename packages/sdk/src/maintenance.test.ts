import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { caught, memoryClient } from "../test/memory-client.js";

describe("maintenance methods", () => {
  it("purgeTempFiles deletes the expired temporary files only (a dry run none)", async () => {
    const { client, store } = memoryClient();
    await store.putObject("bkt", ".deltaglider/tmp/old.zip", seededBytes("old", 40), {
      metadata: { "dg-expires-at": "2026-11-25T11:00:00" },
    });
    await store.putObject("bkt", ".deltaglider/tmp/new.zip", seededBytes("new", 40), {
      metadata: { "dg-expires-at": "2026-11-25T13:00:00" },
    });
    const dry = await client.purgeTempFiles("bkt", { dryRun: true });
    expect(dry.tempFiles.expired.map((f) => f.key)).toEqual([".deltaglider/tmp/old.zip"]);
    expect(dry.deleted).toEqual([]);
    const purged = await client.purgeTempFiles("bkt");
    expect(purged).toMatchObject({ deleted: [".deltaglider/tmp/old.zip"], freedBytes: 40 });
    const left = (await store.listObjects("bkt")).objects.map((o) => o.key);
    expect(left).toEqual([".deltaglider/tmp/new.zip"]);
  });

  it("getCachedBucketStats stores the figures and answers from them while nothing changed", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/a.txt", Body: "hello" });
    const first = await client.getCachedBucketStats("bkt");
    expect(first).toMatchObject({ cached: false, computedAt: "2026-11-25T12:00:00.000Z" });
    const second = await client.getCachedBucketStats("bkt");
    expect(second.cached).toBe(true);
    expect(second.stats).toEqual(first.stats);
    expect(second.stats).toEqual(await client.getBucketStats("bkt"));
  });

  it("getCachedBucketStats of a missing bucket says so, with the hint of headBucket", async () => {
    const { client } = memoryClient();
    const error = await caught(client.getCachedBucketStats("nope"));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Bucket not found: s3://nope" });
  });

  it("emptyBucket leaves nothing, deltaglider's own files included", async () => {
    const { client, store } = memoryClient();
    const v1 = seededBytes("v1", 20_000);
    await client.putObject({ Bucket: "bkt", Key: "rel/v1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/v2.zip", Body: v1 });
    await client.getCachedBucketStats("bkt");
    const deleted: string[] = [];
    const result = await client.emptyBucket("bkt", { onDeleted: (keys) => deleted.push(...keys) });
    expect(deleted.sort()).toEqual(["rel/v1.zip", "rel/v2.zip"]);
    expect(result.leftovers).toBe(1); // the stats document
    expect((await store.listObjects("bkt")).objects).toEqual([]);
    await client.deleteBucket({ Bucket: "bkt" });
  });
});
