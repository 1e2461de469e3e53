import { describe, expect, it } from "vitest";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import { createSha256Hasher } from "../memory/sha256-hasher.js";
import type { ObjectStore } from "../ports/object-store.js";
import {
  fingerprintListing,
  loadStatsCache,
  matchingEntry,
  type StatsCacheEntry,
  statsCacheKey,
  writeStatsCache,
} from "./stats-cache.js";
import type { BucketStats } from "./types.js";

const hasher = createSha256Hasher();

const signal = new AbortController().signal;
const bytes = (text: string) => new TextEncoder().encode(text);

async function storeWith(keys: readonly string[]): Promise<ObjectStore> {
  const store = createMemoryObjectStore();
  await store.createBucket("bkt");
  for (const key of keys) await store.putObject("bkt", key, bytes(`body of ${key}`));
  return store;
}

function entryFor(
  fingerprint: StatsCacheEntry["fingerprint"],
  over: Partial<StatsCacheEntry> = {},
): StatsCacheEntry {
  return {
    version: 1,
    bucket: "bkt",
    prefix: "",
    mode: "quick",
    computedAt: "2026-01-02T03:04:05.000Z",
    fingerprint,
    stats: { objectCount: 2 } as unknown as BucketStats,
    ...over,
  };
}

describe("stats cache", () => {
  it("round-trips an entry, which matches only its bucket, prefix, mode and listing", async () => {
    const store = await storeWith(["a/x.txt", "a/y.txt"]);
    const fingerprint = await fingerprintListing(store, hasher, "bkt", "", signal);
    expect(fingerprint.objects).toBe(2);
    await writeStatsCache(store, hasher, entryFor(fingerprint), signal);
    const loaded = await loadStatsCache(store, hasher, "bkt", "", "quick", signal);
    expect(matchingEntry(loaded, "bkt", "", "quick", fingerprint)).toEqual(entryFor(fingerprint));
    // The cache object itself is left out of the fingerprint.
    expect(await fingerprintListing(store, hasher, "bkt", "", signal)).toEqual(fingerprint);
    expect(matchingEntry(loaded, "bkt", "", "detailed", fingerprint)).toBeUndefined();
    expect(matchingEntry(loaded, "bkt", "a/", "quick", fingerprint)).toBeUndefined();
    expect(matchingEntry(loaded, "other", "", "quick", fingerprint)).toBeUndefined();
    expect(await loadStatsCache(store, hasher, "bkt", "", "sampled", signal)).toBeUndefined();
  });

  it("goes stale on any upload, overwrite or delete", async () => {
    const store = await storeWith(["a/x.txt", "a/y.txt"]);
    const before = await fingerprintListing(store, hasher, "bkt", "", signal);
    await writeStatsCache(store, hasher, entryFor(before), signal);
    const changes: ((s: ObjectStore) => Promise<unknown>)[] = [
      (s) => s.putObject("bkt", "a/z.txt", bytes("new")),
      (s) => s.putObject("bkt", "a/x.txt", bytes("same length!")),
      (s) => s.deleteObject("bkt", "a/y.txt"),
    ];
    for (const change of changes) {
      const changed = await storeWith(["a/x.txt", "a/y.txt"]);
      await writeStatsCache(changed, hasher, entryFor(before), signal);
      await change(changed);
      const now = await fingerprintListing(changed, hasher, "bkt", "", signal);
      expect(now.digest).not.toBe(before.digest);
      const loaded = await loadStatsCache(changed, hasher, "bkt", "", "quick", signal);
      expect(matchingEntry(loaded, "bkt", "", "quick", now)).toBeUndefined();
    }
  });

  it("reads a damaged, foreign or missing document as a miss, never an error", async () => {
    const store = await storeWith(["x.txt"]);
    const fingerprint = await fingerprintListing(store, hasher, "bkt", "", signal);
    const key = statsCacheKey(hasher, "", "quick");
    expect(await loadStatsCache(store, hasher, "bkt", "", "quick", signal)).toBeUndefined();
    expect(
      await loadStatsCache(store, hasher, "no-such-bucket", "", "quick", signal),
    ).toBeUndefined();
    for (const text of ["{not json", "42", "null", JSON.stringify({ version: 2 })]) {
      await store.putObject("bkt", key, bytes(text));
      const loaded = await loadStatsCache(store, hasher, "bkt", "", "quick", signal);
      expect(matchingEntry(loaded, "bkt", "", "quick", fingerprint)).toBeUndefined();
    }
    const { computedAt: _dropped, ...noTime } = entryFor(fingerprint);
    await store.putObject("bkt", key, bytes(JSON.stringify(noTime)));
    const loaded = await loadStatsCache(store, hasher, "bkt", "", "quick", signal);
    expect(matchingEntry(loaded, "bkt", "", "quick", fingerprint)).toBeUndefined();
  });

  it("fingerprints past one page of 1,000 stored objects", async () => {
    const store = await storeWith(Array.from({ length: 1_205 }, (_, i) => `k/${i}.txt`));
    const seen: number[] = [];
    const fingerprint = await fingerprintListing(store, hasher, "bkt", "", signal, (n) =>
      seen.push(n),
    );
    expect(fingerprint.objects).toBe(1_205);
    expect(seen).toEqual([1_000, 1_205]);
    const prefixed = await fingerprintListing(store, hasher, "bkt", "k/1", signal);
    // k/1.txt, k/10-19, k/100-199 and k/1000-1204.
    expect(prefixed.objects).toBe(1 + 10 + 100 + 205);
  });
});
