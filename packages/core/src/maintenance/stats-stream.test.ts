import { describe, expect, it } from "vitest";
import { bodyOf, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import { createSha256Hasher } from "../memory/sha256-hasher.js";
import type { ObjectStore } from "../ports/object-store.js";
import { createBucketMaintenance } from "./bucket-maintenance.js";
import { SAMPLE_PER_DELTASPACE } from "./stats.js";

const hasher = createSha256Hasher();

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** Three folders of seeded releases (deltas against each folder's reference), plus a text. */
async function filledStore(versionsPerFolder: number) {
  const store = createMemoryObjectStore({ buckets: ["bkt"] });
  // Without the object-facts index: these tests count the HEADs of a plain bucket.
  const { service } = makeService({ store, factsIndex: false });
  for (const folder of ["a", "b", "c"]) {
    const base = seededBytes(folder.charCodeAt(0), 4000);
    for (let i = 0; i < versionsPerFolder; i += 1) {
      const version = new Uint8Array(base.length + i);
      version.set(base);
      // Changed near the end: the prefix test codec's delta is what follows the common prefix.
      const at = base.length - 1 - i;
      version[at] = (version[at] as number) ^ 0xff;
      await service.put("bkt", `${folder}/app-${i}.zip`, bodyOf(version));
    }
  }
  await service.put("bkt", "a/notes.txt", bodyOf(seededBytes(3, 10)));
  return store;
}

/**
 * The store with pages of `pageSize` keys; listing requests from `holdFrom` on wait for the
 * gate; HEADs counted, with the most in flight at once.
 */
function instrumented(store: ObjectStore, pageSize: number) {
  const heads = { started: 0, inFlight: 0, most: 0, keys: [] as string[] };
  let gate: { from: number; promise: Promise<void> } | undefined;
  let listings = 0;
  let onHead: (() => void) | undefined;
  const wrapped: ObjectStore = {
    ...store,
    async listObjects(bucket, options = {}) {
      listings += 1;
      if (gate !== undefined && listings >= gate.from) await gate.promise;
      return store.listObjects(bucket, { ...options, maxKeys: pageSize });
    },
    async headObject(bucket, key, options) {
      heads.started += 1;
      heads.keys.push(key);
      heads.inFlight += 1;
      heads.most = Math.max(heads.most, heads.inFlight);
      onHead?.();
      try {
        return await store.headObject(bucket, key, options);
      } finally {
        heads.inFlight -= 1;
      }
    },
  };
  return {
    store: wrapped,
    heads,
    hold(from: number, promise: Promise<void>) {
      listings = 0;
      gate = { from, promise };
    },
    whenHeads(count: number): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (heads.started >= count) resolve();
        };
        onHead = check;
        check();
      });
    },
  };
}

function maintenanceOn(store: ObjectStore, metadataConcurrency = 16) {
  return createBucketMaintenance({
    store,
    hasher,
    service: makeService({ store, factsIndex: false }).service,
    metadataConcurrency,
    factsIndex: false,
  });
}

describe("bucketStats streams the listing", () => {
  it("HEADs page 1's deltas while page 2 is still unanswered, at most N at once", async () => {
    const raw = await filledStore(6);
    const expected = await maintenanceOn(raw).bucketStats("bkt", { mode: "detailed" });
    const firstPage = (await raw.listObjects("bkt", { maxKeys: 5 })).objects;
    const deltasOnPage1 = firstPage.filter((o) => o.key.endsWith(".delta")).length;
    expect(deltasOnPage1).toBeGreaterThan(2);

    const held = instrumented(raw, 5);
    const gate = deferred();
    held.hold(2, gate.promise);
    const stats = maintenanceOn(held.store, 2).bucketStats("bkt", { mode: "detailed" });
    // Without streaming, no HEAD would start before the whole listing is in.
    await held.whenHeads(deltasOnPage1);
    gate.resolve();
    expect(await stats).toEqual(expected);
    expect(held.heads.most).toBeLessThanOrEqual(2);
    expect(expected.deltaObjects).toBe(18);
    expect(expected.estimatedDeltas).toBe(0);
    expect(expected.brokenDeltas).toBe(0);
  });

  it("sampled mode HEADs at most 8 deltas per folder, spread over it", async () => {
    const raw = await filledStore(30);
    const counted = instrumented(raw, 7);
    const stats = await maintenanceOn(counted.store).bucketStats("bkt", { mode: "sampled" });
    const headed = counted.heads.keys.filter((k) => k.endsWith(".delta"));
    expect(headed).toHaveLength(3 * SAMPLE_PER_DELTASPACE);
    for (const folder of ["a", "b", "c"]) {
      const mine = headed.filter((k) => k.startsWith(`${folder}/`));
      expect(mine).toHaveLength(SAMPLE_PER_DELTASPACE);
      // Spread: the sample is not the first eight of the folder's listing.
      expect(new Set(mine).size).toBe(SAMPLE_PER_DELTASPACE);
      expect(mine.some((k) => /app-(2\d)\.zip/.test(k))).toBe(true);
    }
    expect(stats.deltaObjects).toBe(90);
    expect(stats.estimatedDeltas).toBe(90 - 3 * SAMPLE_PER_DELTASPACE);
    // Versions differ by a byte in size: the extrapolation is close to the truth.
    const quick = await maintenanceOn(raw).bucketStats("bkt");
    expect(Math.abs(stats.originalBytes - quick.originalBytes)).toBeLessThan(3 * 30);
  });

  it("the cached stats compute and fingerprint in one pass when nothing is stored", async () => {
    const raw = await filledStore(3);
    const counted = instrumented(raw, 1000);
    const maintenance = maintenanceOn(counted.store);
    const first = await maintenance.cachedBucketStats("bkt");
    expect(first.cached).toBe(false);
    const headsOfFirst = counted.heads.started;
    expect(headsOfFirst).toBe(9);
    const second = await maintenance.cachedBucketStats("bkt");
    expect(second.cached).toBe(true);
    expect(second.stats).toEqual(first.stats);
    // A hit HEADs nothing.
    expect(counted.heads.started).toBe(headsOfFirst);
  });
});
