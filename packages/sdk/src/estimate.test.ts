import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { concat, memoryClient } from "../test/memory-client.js";
import type { FolderEstimate } from "./index.js";

const base = seededBytes(31, 30_000);

describe("estimateCompression", () => {
  it("measures real deltas per folder and extrapolates, writing nothing", async () => {
    const { client, store } = memoryClient();
    // A plain S3 prefix: versioned archives in one folder, unrelated ones in another.
    for (let i = 0; i < 10; i++) {
      await store.putObject("bkt", `plain/rel/app-${i}.zip`, concat(base, seededBytes(i, 300)));
    }
    await store.putObject("bkt", "plain/rel/notes.txt", seededBytes(77, 1_000));
    for (let i = 0; i < 3; i++) {
      await store.putObject("bkt", `plain/misc/r${i}.zip`, seededBytes(200 + i, 5_000));
    }
    const before = await store.listObjects("bkt");
    const seen: FolderEstimate[] = [];
    const estimate = await client.estimateCompression("s3://bkt/plain/", {
      samplesPerFolder: 4,
      onFolder: (f) => seen.push(f),
    });
    expect((await store.listObjects("bkt")).objects).toEqual(before.objects);
    expect(seen.map((f) => f.folder).sort()).toEqual(["plain/misc", "plain/rel"]);

    const rel = estimate.folders.find((f) => f.folder === "plain/rel");
    const relTotal = 10 * 30_300 + 1_000;
    expect(rel).toMatchObject({
      objectCount: 11,
      eligibleObjects: 10,
      totalBytes: relTotal,
      eligibleBytes: 10 * 30_300,
      sampledObjects: 3,
    });
    // The prefix codec stores the 300 differing bytes plus a 12-byte header.
    expect(rel?.measuredRatio).toBeCloseTo(312 / 30_300, 6);
    const expected = 1_000 + 30_300 + Math.round(9 * 312);
    expect(rel?.estimatedStoredBytes).toBe(expected);

    // Unrelated archives exceed the max ratio: stored whole, nothing saved.
    const misc = estimate.folders.find((f) => f.folder === "plain/misc");
    expect(misc).toMatchObject({ measuredRatio: 1, estimatedSavedBytes: 0 });

    expect(estimate.totalBytes).toBe(relTotal + 15_000);
    expect(estimate.estimatedSavedBytes).toBe(relTotal - expected);
    expect(estimate.estimatedSavingsPercent).toBeGreaterThan(80);
  });

  it("skips files over maxSampleBytes and assumes no savings where nothing was measured", async () => {
    const { client, store } = memoryClient();
    await store.putObject("bkt", "big/a.zip", base);
    await store.putObject("bkt", "big/b.zip", concat(base, seededBytes(1, 10)));
    const estimate = await client.estimateCompression("s3://bkt/big/", { maxSampleBytes: 1_000 });
    expect(estimate.sampledObjects).toBe(0);
    expect(estimate.estimatedSavedBytes).toBe(0);
    expect(estimate.folders[0]?.measuredRatio).toBeUndefined();
  });
});
