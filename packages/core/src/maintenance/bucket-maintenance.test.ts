import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { STATS_CACHE_PREFIX } from "../domain/internal-folder.js";
import { failingDeletes } from "../memory/failing-deletes.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import { createSha256Hasher } from "../memory/sha256-hasher.js";
import type { ObjectStore } from "../ports/object-store.js";
import { createBucketMaintenance } from "./bucket-maintenance.js";
import { SET_ASIDE_GRACE_MS } from "./purge.js";
import { fingerprintListing, statsCacheKey } from "./stats-cache.js";

const NOW = new Date("2026-11-25T12:00:00.000Z");
const WRITTEN = new Date(NOW.getTime() - 2 * SET_ASIDE_GRACE_MS);
const hasher = createSha256Hasher();

function setup(wrap: (store: ObjectStore) => ObjectStore = (s) => s) {
  // Objects are written two hours before the maintenance runs.
  const store = wrap(createMemoryObjectStore({ buckets: ["bkt"], now: () => WRITTEN }));
  const made = makeService({ store });
  const maintenance = createBucketMaintenance({
    store,
    hasher,
    service: made.service,
    clock: { now: () => NOW },
  });
  return { store, service: made.service, maintenance };
}

async function keysOf(store: ObjectStore, prefix = ""): Promise<string[]> {
  return (await store.listObjects("bkt", { prefix })).objects.map((o) => o.key).sort();
}

describe("purgeTempFiles", () => {
  it("keeps an expired copy that a new link rebuilt after the scan read it", async () => {
    const key = ".deltaglider/tmp/0123456789abcdef0123456789abcdef_app.zip";
    let heads = 0;
    const { store, maintenance } = setup((inner) => ({
      ...inner,
      async headObject(bucket, k, options) {
        const info = await inner.headObject(bucket, k, options);
        if (k !== key || info === undefined) return info;
        heads += 1;
        // The scan reads the old copy; by the second read a link has rebuilt it for an hour.
        if (heads === 2) {
          await inner.putObject(bucket, k, seededBytes(20, 10), {
            metadata: { "dg-expires-at": "2026-11-25T13:00:00" },
          });
          return inner.headObject(bucket, k, options);
        }
        return info;
      },
    }));
    await store.putObject("bkt", key, seededBytes(21, 10), {
      metadata: { "dg-expires-at": "2026-11-25T11:00:00" },
    });
    const result = await maintenance.purgeTempFiles("bkt");
    expect(result.tempFiles.expired.map((f) => f.key)).toEqual([key]);
    expect(result.deleted).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(await keysOf(store)).toEqual([key]);
  });

  it("deletes expired temporary files and removable set-aside references, and nothing else", async () => {
    const { store, service, maintenance } = setup();
    const put = (key: string, metadata: Record<string, string>, size = 10) =>
      store.putObject("bkt", key, seededBytes(size, size), { metadata });
    await put(".deltaglider/tmp/old.zip", { "dg-expires-at": "2026-11-25T11:00:00" }, 100);
    await put(".deltaglider/tmp/live.zip", { "dg-expires-at": "2026-11-25T13:00:00" });
    await put(".deltaglider/tmp/undated.zip", {});
    // A set-aside reference nothing needs (no delta names its SHA-256), old enough to go.
    const aside = `.deltaglider/trash/${"a".repeat(64)}`;
    await store.putObject("bkt", aside, seededBytes(3, 30));
    await service.put("bkt", "app/a.txt", bodyOf(seededBytes(4, 40)));

    const dry = await maintenance.purgeTempFiles("bkt", { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.tempFiles.expired.map((f) => f.key)).toEqual([".deltaglider/tmp/old.zip"]);
    expect(dry.tempFiles.live).toBe(1);
    expect(dry.tempFiles.undated).toEqual([".deltaglider/tmp/undated.zip"]);
    expect(dry.setAside).toEqual({
      removable: [{ key: aside, size: 30, lastModified: WRITTEN }],
      kept: [],
    });
    expect(dry.deleted).toEqual([]);
    expect(dry.setAsideDeleted).toEqual([]);
    expect(await keysOf(store, ".deltaglider/")).toHaveLength(4);

    const result = await maintenance.purgeTempFiles("bkt");
    expect(result.dryRun).toBe(false);
    expect(result.deleted).toEqual([".deltaglider/tmp/old.zip"]);
    expect(result.freedBytes).toBe(100);
    expect(result.setAsideDeleted).toEqual([aside]);
    expect(result.errors).toEqual([]);
    expect(await keysOf(store)).toEqual([
      ".deltaglider/tmp/live.zip",
      ".deltaglider/tmp/undated.zip",
      "app/a.txt",
    ]);
  });

  it("reports a key it could not delete and deletes the others", async () => {
    const { store, maintenance } = setup((s) => failingDeletes(s, [".deltaglider/tmp/locked.zip"]));
    for (const name of ["locked", "free"]) {
      await store.putObject("bkt", `.deltaglider/tmp/${name}.zip`, seededBytes(5, 5), {
        metadata: { "dg-expires-at": "2000-01-01T00:00:00" },
      });
    }
    const result = await maintenance.purgeTempFiles("bkt");
    expect(result.deleted).toEqual([".deltaglider/tmp/free.zip"]);
    expect(result.errors.map((e) => e.key)).toEqual([".deltaglider/tmp/locked.zip"]);
    expect(result.freedBytes).toBe(5);
  });
});

describe("cachedBucketStats", () => {
  it("computes and stores on a miss, answers from the document while the listing holds", async () => {
    const { store, service, maintenance } = setup();
    await service.put("bkt", "rel/a.txt", bodyOf(seededBytes(6, 100)));
    const phases: string[] = [];
    const first = await maintenance.cachedBucketStats("bkt", {
      onProgress: (phase) => phases.push(phase),
    });
    expect(first.cached).toBe(false);
    expect(first.computedAt).toBe(NOW.toISOString());
    expect(first.stats.objectCount).toBe(1);
    expect(phases).toEqual(["listing", "computing"]);
    expect(await keysOf(store, STATS_CACHE_PREFIX)).toEqual([statsCacheKey(hasher, "", "quick")]);

    const second = await maintenance.cachedBucketStats("bkt");
    expect(second).toEqual({ stats: first.stats, cached: true, computedAt: first.computedAt });

    const refreshed = await maintenance.cachedBucketStats("bkt", { refresh: true });
    expect(refreshed.cached).toBe(false);

    await service.put("bkt", "rel/b.txt", bodyOf(seededBytes(7, 50)));
    const changed = await maintenance.cachedBucketStats("bkt");
    expect(changed.cached).toBe(false);
    expect(changed.stats.objectCount).toBe(2);
  });

  it("still returns the figures when the document cannot be written", async () => {
    const { maintenance } = setup((s) => ({
      ...s,
      putObject: async () => {
        throw new Error("read-only bucket");
      },
    }));
    const result = await maintenance.cachedBucketStats("bkt", { mode: "detailed" });
    expect(result.cached).toBe(false);
    expect(result.stats.mode).toBe("detailed");
    expect(result.cacheWriteError).toBe("read-only bucket");
  });

  it("keeps the key and fingerprint of the documents stored before (compatible caches)", async () => {
    const { store, service } = setup();
    await service.put("bkt", "rel/a.txt", bodyOf(seededBytes(8, 10)));
    await store.putObject("bkt", "ünïcode/ß.bin", seededBytes(9, 3));
    const prefixId = createHash("sha256").update("rel/").digest("hex").slice(0, 16);
    expect(statsCacheKey(hasher, "rel/", "sampled")).toBe(
      `.deltaglider/cli-stats/v1/sampled/${prefixId}.json`,
    );
    // The digest as it was first defined: one update per stored object, UTF-8 text.
    const legacy = createHash("sha256");
    for (const o of (await store.listObjects("bkt", {})).objects) {
      const modified = o.lastModified.getTime();
      legacy.update(`${o.key}\u0000${o.size}\u0000${o.etag ?? ""}\u0000${modified}\n`);
    }
    const fingerprint = await fingerprintListing(store, hasher, "bkt", "", undefined);
    expect(fingerprint.digest).toBe(legacy.digest("hex"));
  });
});

describe("emptyBucket", () => {
  it("deletes logical objects batch by batch, then everything left raw", async () => {
    const { store, service, maintenance } = setup();
    await service.put("bkt", "rel/v1.zip", bodyOf(seededBytes(10, 2000)));
    await service.put("bkt", "rel/v2.zip", bodyOf(seededBytes(10, 2000)));
    await service.put("bkt", "notes.txt", bodyOf(seededBytes(11, 10)));
    await store.putObject("bkt", ".deltaglider/tmp/x.zip", seededBytes(12, 10));
    await store.putObject("bkt", "orphan/reference.bin", seededBytes(13, 10));
    const batches: (readonly string[])[] = [];
    const result = await maintenance.emptyBucket("bkt", { onDeleted: (b) => batches.push(b) });
    expect([...result.deleted].sort()).toEqual(["notes.txt", "rel/v1.zip", "rel/v2.zip"]);
    expect(batches.flat().sort()).toEqual(["notes.txt", "rel/v1.zip", "rel/v2.zip"]);
    // The orphaned reference goes with the recursive delete (and rel/'s object facts with its
    // last delta); only .deltaglider/ is left raw.
    expect(result.leftovers).toBe(1);
    expect(await keysOf(store)).toEqual([]);
  });

  it("throws when a stored object cannot be removed", async () => {
    const { store, maintenance } = setup((s) => failingDeletes(s, [".deltaglider/tmp/x"]));
    await store.putObject("bkt", ".deltaglider/tmp/x", seededBytes(14, 1));
    await expect(maintenance.emptyBucket("bkt")).rejects.toThrow(/Access denied/);
  });
});

describe("bucketStats with several references per folder", () => {
  it("counts extra references in their folder (objects and bytes), and no delta as broken", async () => {
    const { service, maintenance } = setup();
    const v1 = seededBytes(40, 60_000);
    const drifted = v1.slice();
    drifted.set(seededBytes(41, 200), 100); // the prefix codec: a delta of nearly the whole file
    await service.put("bkt", "rel/a-1.zip", bodyOf(v1));
    const second = await service.put("bkt", "rel/a-2.zip", bodyOf(drifted));
    expect(second.referenceKey).toMatch(/^rel\/\.dg-refs\//);
    const stats = await maintenance.bucketStats("bkt", { mode: "detailed" });
    expect(stats.deltaspaces.map((s) => s.deltaspace)).toEqual(["rel"]);
    const [space] = stats.deltaspaces;
    expect(space).toMatchObject({
      referenceObjects: 2,
      referenceBytes: v1.length + drifted.length,
      deltaObjects: 2,
      brokenDeltas: 0,
      orphanedReference: false,
    });
    expect(stats.orphanedReferences).toEqual([]);
  });
});
