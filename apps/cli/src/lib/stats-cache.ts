import { createHash } from "node:crypto";
import { INTERNAL_PREFIX, type ListedObject, type ObjectStore } from "@dg/core";
import type { BucketStats, StatsMode } from "@dg/sdk";

/**
 * What "unchanged" means for the stats cache: the raw listing of the prefix (deltaglider's own
 * `.deltaglider/` objects left out) has the same number of stored objects, the same total
 * stored bytes, the same latest LastModified, and the same SHA-256 over every object's key,
 * size, ETag and LastModified. It costs one LIST request per 1,000 stored objects and no HEAD;
 * any upload, overwrite or delete changes it.
 */
export interface ListingFingerprint {
  readonly objects: number;
  readonly storedBytes: number;
  /** ISO 8601, or `""` for an empty listing. */
  readonly latestModified: string;
  readonly digest: string;
}

/** The cache document stored in the bucket. */
export interface StatsCacheEntry {
  readonly version: 1;
  readonly bucket: string;
  readonly prefix: string;
  readonly mode: StatsMode;
  readonly computedAt: string;
  readonly fingerprint: ListingFingerprint;
  readonly stats: BucketStats;
}

/** Folder of the cache objects, inside `.deltaglider/` so listings never show them. */
export const STATS_CACHE_FOLDER = `${INTERNAL_PREFIX}cli-stats/v1/`;

/**
 * The key of the cache object of a prefix and mode:
 * `.deltaglider/cli-stats/v1/<mode>/<sha256 of the prefix, 16 hex>.json`.
 */
export function statsCacheKey(prefix: string, mode: StatsMode): string {
  const id = createHash("sha256").update(prefix).digest("hex").slice(0, 16);
  return `${STATS_CACHE_FOLDER}${mode}/${id}.json`;
}

/**
 * Fingerprint the raw listing of `prefix`. Pass `collect` to keep the listed objects (a cache
 * miss then computes the stats from them instead of listing again).
 *
 * @example
 * ```ts
 * const before = await fingerprintListing(client.store, "b", "", signal);
 * ```
 */
export async function fingerprintListing(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  signal: AbortSignal,
  onProgress?: (storedObjectsSeen: number) => void,
  collect?: ListedObject[],
): Promise<ListingFingerprint> {
  const hash = createHash("sha256");
  let objects = 0;
  let storedBytes = 0;
  let latest = 0;
  let token: string | undefined;
  do {
    const page = await store.listObjects(bucket, {
      signal,
      ...(prefix === "" ? {} : { prefix }),
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    for (const object of page.objects) {
      if (object.key.startsWith(INTERNAL_PREFIX)) continue;
      collect?.push(object);
      objects += 1;
      storedBytes += object.size;
      const modified = object.lastModified.getTime();
      latest = Math.max(latest, modified);
      hash.update(`${object.key}\u0000${object.size}\u0000${object.etag ?? ""}\u0000${modified}\n`);
    }
    onProgress?.(objects);
    token = page.nextContinuationToken;
  } while (token !== undefined);
  return {
    objects,
    storedBytes,
    latestModified: objects === 0 ? "" : new Date(latest).toISOString(),
    digest: hash.digest("hex"),
  };
}

function sameFingerprint(a: ListingFingerprint, b: ListingFingerprint): boolean {
  return (
    a.objects === b.objects &&
    a.storedBytes === b.storedBytes &&
    a.latestModified === b.latestModified &&
    a.digest === b.digest
  );
}

/** Cache documents larger than this are not ours (ours are a few KiB per deltaspace). */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Read the cache document of a prefix and mode, as stored; `undefined` when there is none or it
 * cannot be read (the cache never fails a stats call). One GET and no HEAD, so it can run while
 * the listing is still under way; {@link matchingEntry} then decides whether it still holds.
 *
 * @example
 * ```ts
 * const [entry, fingerprint] = await Promise.all([
 *   loadStatsCache(store, "b", "", "quick", signal),
 *   fingerprintListing(store, "b", "", signal),
 * ]);
 * const hit = matchingEntry(entry, "b", "", "quick", fingerprint);
 * ```
 */
export async function loadStatsCache(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  mode: StatsMode,
  signal: AbortSignal,
): Promise<Partial<StatsCacheEntry> | undefined> {
  try {
    const { info, body } = await store.getObject(bucket, statsCacheKey(prefix, mode), { signal });
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      // Returning from the loop closes the body (and its socket or file).
      if (info.size > MAX_CACHE_BYTES || size > MAX_CACHE_BYTES) return undefined;
      chunks.push(chunk);
    }
    const entry: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof entry === "object" && entry !== null
      ? (entry as Partial<StatsCacheEntry>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entry when it was computed for this bucket, prefix and mode on this very listing;
 * `undefined` for a missing, foreign or stale one.
 */
export function matchingEntry(
  entry: Partial<StatsCacheEntry> | undefined,
  bucket: string,
  prefix: string,
  mode: StatsMode,
  fingerprint: ListingFingerprint,
): StatsCacheEntry | undefined {
  const valid =
    entry !== undefined &&
    entry.version === 1 &&
    entry.bucket === bucket &&
    entry.prefix === prefix &&
    entry.mode === mode &&
    typeof entry.computedAt === "string" &&
    entry.fingerprint !== undefined &&
    entry.stats !== undefined &&
    sameFingerprint(entry.fingerprint, fingerprint);
  return valid ? (entry as StatsCacheEntry) : undefined;
}

/** Store stats with the fingerprint of the listing they were computed on. */
export async function writeStatsCache(
  store: ObjectStore,
  entry: StatsCacheEntry,
  signal: AbortSignal,
): Promise<void> {
  const body = new TextEncoder().encode(`${JSON.stringify(entry, null, 2)}\n`);
  await store.putObject(entry.bucket, statsCacheKey(entry.prefix, entry.mode), body, {
    signal,
    contentType: "application/json",
    contentLength: body.length,
  });
}
