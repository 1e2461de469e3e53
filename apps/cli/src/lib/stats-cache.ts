import { createHash } from "node:crypto";
import { INTERNAL_PREFIX, type ObjectStore } from "@dg/core";
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
 * Fingerprint the raw listing of `prefix`.
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

/**
 * The cached stats of a prefix and mode when they were computed on this very listing;
 * `undefined` on a miss, a stale entry, or any problem reading it (the cache never fails a
 * stats call).
 */
export async function readStatsCache(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  mode: StatsMode,
  fingerprint: ListingFingerprint,
  signal: AbortSignal,
): Promise<StatsCacheEntry | undefined> {
  try {
    const head = await store.headObject(bucket, statsCacheKey(prefix, mode), { signal });
    if (!head || head.size > 16 * 1024 * 1024) return undefined;
    const { body } = await store.getObject(bucket, statsCacheKey(prefix, mode), { signal });
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const entry = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<StatsCacheEntry>;
    const valid =
      entry.version === 1 &&
      entry.bucket === bucket &&
      entry.prefix === prefix &&
      entry.mode === mode &&
      entry.fingerprint !== undefined &&
      entry.stats !== undefined &&
      sameFingerprint(entry.fingerprint, fingerprint);
    return valid ? (entry as StatsCacheEntry) : undefined;
  } catch {
    return undefined;
  }
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
