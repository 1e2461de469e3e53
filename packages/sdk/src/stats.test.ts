import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { concat, memoryClient } from "../test/memory-client.js";

const base = seededBytes(21, 20_000);
const version = (i: number) => concat(base, seededBytes(100 + i, 100 + i));

async function fill() {
  const made = memoryClient();
  const { client, store } = made;
  for (let i = 0; i < 12; i++) {
    await client.putObject({ Bucket: "bkt", Key: `rel/app-${i}.zip`, Body: version(i) });
  }
  await client.putObject({ Bucket: "bkt", Key: "rel/readme.txt", Body: "0123456789" });
  await client.putObject({ Bucket: "bkt", Key: "other/x.zip", Body: version(50) });
  // A reference whose deltas are all gone, and a delta pointing at a replaced reference.
  await store.putObject("bkt", "orphan/reference.bin", base, { metadata: {} });
  return made;
}

const originals = Array.from({ length: 12 }, (_, i) => version(i).length);
const sumOriginals = originals.reduce((a, b) => a + b, 0);

describe("getBucketStats", () => {
  it("quick mode reads every delta's original size", async () => {
    const { client } = await fill();
    const stats = await client.getBucketStats("bkt");
    expect(stats.mode).toBe("quick");
    const rel = stats.deltaspaces.find((s) => s.deltaspace === "rel");
    expect(rel).toMatchObject({
      objectCount: 13,
      deltaObjects: 12,
      directObjects: 1,
      referenceObjects: 1,
      originalBytes: sumOriginals + 10,
      referenceBytes: version(0).length,
      directBytes: 10,
      estimatedDeltas: 0,
      orphanedReference: false,
    });
    expect(rel?.storedBytes).toBe((rel?.deltaBytes ?? 0) + (rel?.referenceBytes ?? 0) + 10);
    expect(rel?.savingsPercent).toBeGreaterThan(50);
    expect(stats.orphanedReferences).toEqual(["orphan/reference.bin"]);
    expect(stats.objectCount).toBe(14);
    expect(stats.estimated).toBe(false);
    expect(stats.originalBytes).toBe(sumOriginals + 10 + version(50).length);
  });

  it("sampled mode extrapolates from a bounded sample", async () => {
    const { client } = await fill();
    const stats = await client.getBucketStats("bkt", { mode: "sampled", prefix: "rel/" });
    expect(stats.prefix).toBe("rel/");
    expect(stats.deltaspaces.map((s) => s.deltaspace)).toEqual(["rel"]);
    const rel = stats.deltaspaces[0];
    expect(rel?.estimatedDeltas).toBe(4);
    expect(stats.estimated).toBe(true);
    // Sizes differ by a few bytes per version: the mean is close to the truth.
    expect(Math.abs((rel?.originalBytes ?? 0) - (sumOriginals + 10))).toBeLessThan(40);
  });

  it("detailed mode also checks each delta against its reference", async () => {
    const { client, store } = await fill();
    const ref = await store.headObject("bkt", "other/reference.bin");
    await store.putObject("bkt", "other/reference.bin", base, {
      metadata: { ...ref?.metadata, "dg-file-sha256": "0".repeat(64) },
    });
    const stats = await client.getBucketStats("bkt", { mode: "detailed" });
    expect(stats.deltaspaces.find((s) => s.deltaspace === "rel")?.brokenDeltas).toBe(0);
    expect(stats.deltaspaces.find((s) => s.deltaspace === "other")?.brokenDeltas).toBe(1);
    expect(stats.brokenDeltas).toBe(1);
    const quick = await client.getBucketStats("bkt");
    expect(quick.brokenDeltas).toBe(0);
  });

  it("reports an empty bucket as zeros", async () => {
    const { client } = memoryClient();
    const stats = await client.getBucketStats("bkt", { mode: "detailed" });
    expect(stats).toMatchObject({
      objectCount: 0,
      originalBytes: 0,
      storedBytes: 0,
      savingsPercent: 0,
      deltaspaces: [],
    });
  });

  it("computes from a listing it is given, without listing again", async () => {
    const { client, store } = await fill();
    const listed = [];
    let token: string | undefined;
    do {
      const page = await store.listObjects(
        "bkt",
        token === undefined ? {} : { continuationToken: token },
      );
      listed.push(...page.objects);
      token = page.nextContinuationToken;
    } while (token !== undefined);
    const listings = { count: 0 };
    const original = store.listObjects.bind(store);
    store.listObjects = async (...args) => {
      // Reads of the object-facts index (under .deltaglider/) are not listings of the bucket.
      if (!(args[1]?.prefix ?? "").startsWith(".deltaglider/")) listings.count += 1;
      return original(...args);
    };
    const fromListing = await client.getBucketStats("bkt", { mode: "detailed", listed });
    expect(listings.count).toBe(0);
    expect(fromListing).toEqual(await client.getBucketStats("bkt", { mode: "detailed" }));
    expect(listings.count).toBeGreaterThan(0);
  });
});
