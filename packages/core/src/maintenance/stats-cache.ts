import { INTERNAL_PREFIX, statsCacheKeyFor } from "../domain/internal-folder.js";
import type { Hasher } from "../ports/hasher.js";
import { concatBytes } from "../util/bytes.js";
import type { ListedObject, ObjectStore } from "../ports/object-store.js";
import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import { bucketStats } from "./stats.js";
import type {
  BucketStats,
  CachedBucketStats,
  CachedBucketStatsOptions,
  StatsMode,
} from "./types.js";

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

const utf8 = new TextEncoder();

/**
 * The key of the cache object of a prefix and mode:
 * `.deltaglider/cli-stats/v1/<mode>/<sha256 of the prefix, 16 hex>.json`.
 */
export function statsCacheKey(hasher: Hasher, prefix: string, mode: StatsMode): string {
  const hash = hasher.sha256();
  hash.update(utf8.encode(prefix));
  return statsCacheKeyFor(mode, hash.digestHex().slice(0, 16));
}

/** A fingerprint computed page by page, as a listing streams by. */
export interface ListingFingerprinter {
  addPage(objects: readonly ListedObject[]): void;
  /** Stored objects fingerprinted so far. */
  readonly objects: number;
  result(): ListingFingerprint;
}

/**
 * A {@link ListingFingerprinter}: feed it the raw pages of a listing, in order.
 *
 * @example
 * ```ts
 * const f = createListingFingerprinter(hasher);
 * for await (const page of listStoredPages(store, "b", "", signal)) f.addPage(page);
 * f.result();
 * ```
 */
export function createListingFingerprinter(hasher: Hasher): ListingFingerprinter {
  const hash = hasher.sha256();
  let objects = 0;
  let storedBytes = 0;
  let latest = 0;
  return {
    addPage(page) {
      let text = "";
      for (const object of page) {
        if (object.key.startsWith(INTERNAL_PREFIX)) continue;
        objects += 1;
        storedBytes += object.size;
        const modified = object.lastModified.getTime();
        latest = Math.max(latest, modified);
        text += `${object.key}\u0000${object.size}\u0000${object.etag ?? ""}\u0000${modified}\n`;
      }
      // One UTF-8 encoding per page: the digest is that of the lines in order, as ever.
      if (text !== "") hash.update(utf8.encode(text));
    },
    get objects() {
      return objects;
    },
    result() {
      return {
        objects,
        storedBytes,
        latestModified: objects === 0 ? "" : new Date(latest).toISOString(),
        digest: hash.digestHex(),
      };
    },
  };
}

/**
 * Fingerprint the raw listing of `prefix` (one page at a time; nothing of it is kept).
 *
 * @example
 * ```ts
 * const before = await fingerprintListing(store, hasher, "b", "", signal);
 * ```
 */
export async function fingerprintListing(
  store: ObjectStore,
  hasher: Hasher,
  bucket: string,
  prefix: string,
  signal: AbortSignal | undefined,
  onProgress?: (storedObjectsSeen: number) => void,
): Promise<ListingFingerprint> {
  const fingerprinter = createListingFingerprinter(hasher);
  for await (const page of listStoredPages(store, bucket, prefix, signal)) {
    fingerprinter.addPage(page);
    onProgress?.(fingerprinter.objects);
  }
  return fingerprinter.result();
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
 *   loadStatsCache(store, hasher, "b", "", "quick", signal),
 *   fingerprintListing(store, hasher, "b", "", signal),
 * ]);
 * const hit = matchingEntry(entry, "b", "", "quick", fingerprint);
 * ```
 */
export async function loadStatsCache(
  store: ObjectStore,
  hasher: Hasher,
  bucket: string,
  prefix: string,
  mode: StatsMode,
  signal: AbortSignal | undefined,
): Promise<Partial<StatsCacheEntry> | undefined> {
  try {
    const { info, body } = await store.getObject(
      bucket,
      statsCacheKey(hasher, prefix, mode),
      signalOption(signal),
    );
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      // Returning from the loop closes the body (and its socket or file).
      if (info.size > MAX_CACHE_BYTES || size > MAX_CACHE_BYTES) return undefined;
      chunks.push(chunk);
    }
    const text = new TextDecoder().decode(concatBytes(chunks));
    const entry: unknown = JSON.parse(text);
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
  hasher: Hasher,
  entry: StatsCacheEntry,
  signal: AbortSignal | undefined,
): Promise<void> {
  const body = utf8.encode(`${JSON.stringify(entry, null, 2)}\n`);
  await store.putObject(entry.bucket, statsCacheKey(hasher, entry.prefix, entry.mode), body, {
    ...signalOption(signal),
    contentType: "application/json",
    contentLength: body.length,
  });
}

/**
 * Stats of a prefix, answered from the bucket's stats cache when the raw listing has not
 * changed since they were stored, computed and stored otherwise. Nothing holds the listing:
 * with a stored document, one listing fingerprints the prefix (no HEAD) and a hit ends there;
 * without one (or on a miss, or with `refresh`) one streaming pass computes the figures and
 * the fingerprint of that same listing together. A bucket the figures cannot be written to
 * still gets them (`cacheWriteError` says why).
 */
export async function cachedBucketStats(
  ctx: MaintenanceContext,
  bucket: string,
  options: CachedBucketStatsOptions = {},
): Promise<CachedBucketStats> {
  const { store, hasher } = ctx;
  const { signal } = options;
  const mode: StatsMode = options.mode ?? "quick";
  const prefix = options.prefix ?? "";
  const progress = options.onProgress;
  const cached = options.refresh
    ? undefined
    : await loadStatsCache(store, hasher, bucket, prefix, mode, signal);
  if (cached !== undefined) {
    const fingerprint = await fingerprintListing(store, hasher, bucket, prefix, signal, (seen) =>
      progress?.("listing", seen),
    );
    const hit = matchingEntry(cached, bucket, prefix, mode, fingerprint);
    if (hit) return { stats: hit.stats, cached: true, computedAt: hit.computedAt };
  }
  const fingerprinter = createListingFingerprinter(hasher);
  const stats = await bucketStats(
    ctx,
    bucket,
    {
      mode,
      prefix,
      ...signalOption(signal),
      onListProgress: (seen) => progress?.("listing", seen),
    },
    { onPage: (page) => fingerprinter.addPage(page) },
  );
  progress?.("computing", fingerprinter.objects);
  const fingerprint = fingerprinter.result();
  const computedAt = ctx.clock.now().toISOString();
  try {
    await writeStatsCache(
      store,
      hasher,
      { version: 1, bucket, prefix, mode, computedAt, fingerprint, stats },
      signal,
    );
  } catch (error) {
    return {
      stats,
      cached: false,
      computedAt,
      cacheWriteError: error instanceof Error ? error.message : String(error),
    };
  }
  return { stats, cached: false, computedAt };
}
