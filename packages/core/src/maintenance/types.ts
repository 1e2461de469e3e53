import type { DirectReason } from "../domain/metadata.js";
import type { FactsIndex } from "../service/facts-index.js";
import type { Clock } from "../ports/clock.js";
import type { OperationOptions } from "../ports/common.js";
import type { Hasher } from "../ports/hasher.js";
import type { Logger } from "../ports/logger.js";
import type { ListedObject, ObjectStore } from "../ports/object-store.js";
import type { PendingUpload } from "../ports/store-capabilities.js";
import type { DeltaService } from "../service/delta-service.js";

export interface BucketMaintenanceOptions {
  readonly store: ObjectStore;
  readonly hasher: Hasher;
  /** The recursive logical delete, for emptying a bucket the way `rm -r` deletes. */
  readonly service: Pick<DeltaService, "deleteRecursive">;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Parallel HEAD requests while reading metadata (stats, purge). Default 64. */
  readonly metadataConcurrency?: number;
  /** Extensions that are delta-encoded, to tell why a file was stored whole (default list). */
  readonly deltaExtensions?: readonly string[];
  /**
   * The object-facts index stats read before they HEAD (and fill with what they HEAD); pass
   * the service's to share its cache. Default: one of its own; `false`: none.
   */
  readonly factsIndex?: FactsIndex | false;
}

// ---- the object-facts index ----

export interface FactsIndexUpkeepOptions extends OperationOptions {
  /** Count only; delete and write nothing. */
  readonly dryRun?: boolean;
}

export interface FactsIndexUpkeepResult {
  /** Index documents deleted (or, with `dryRun`, that would be). */
  readonly documentsDeleted: number;
  /** Deltas and references indexed again (rebuild only). */
  readonly objectsIndexed: number;
  /** Documents that could not be deleted. */
  readonly failed: readonly string[];
}

// ---- stats ----

/** How much stats read; see the SDK README for what each mode costs. */
export type StatsMode = "quick" | "sampled" | "detailed";

export interface BucketStatsOptions extends OperationOptions {
  readonly mode?: StatsMode;
  /** Only keys under this prefix. */
  readonly prefix?: string;
  /** Called after each listing page with the number of stored objects seen so far. */
  readonly onListProgress?: (storedObjectsSeen: number) => void;
  /**
   * The stored objects of a listing of this bucket and prefix the caller has just made: used
   * instead of listing again.
   */
  readonly listed?: readonly ListedObject[];
}

/** Figures of one deltaspace (or the totals). Sizes in bytes. */
export interface StorageFigures {
  /** Logical objects: deltas plus direct and foreign objects (references not counted). */
  readonly objectCount: number;
  readonly deltaObjects: number;
  readonly directObjects: number;
  readonly referenceObjects: number;
  /** Sum of original sizes (estimated for deltas whose size was not looked up). */
  readonly originalBytes: number;
  /** Bytes in the store: deltas + references + direct objects. */
  readonly storedBytes: number;
  readonly deltaBytes: number;
  readonly referenceBytes: number;
  readonly directBytes: number;
  /** `originalBytes - storedBytes` (negative when storage costs more than it saves). */
  readonly savedBytes: number;
  /** `savedBytes / originalBytes × 100`, 0 when there is nothing. */
  readonly savingsPercent: number;
  /** Deltas whose original size was extrapolated instead of read from their metadata. */
  readonly estimatedDeltas: number;
  /**
   * `detailed` mode only (0 otherwise): deltas whose reference is missing or is not the one
   * they were encoded against, so they cannot be rebuilt.
   */
  readonly brokenDeltas: number;
}

export interface DeltaspaceStats extends StorageFigures {
  /** The folder, `""` for the bucket root. */
  readonly deltaspace: string;
  /** A reference with no delta left needing it. */
  readonly orphanedReference: boolean;
  /**
   * When the deltaspace's `reference.bin` was written (ISO 8601), from the listing; absent
   * when it has none. An old reference against newer files means growing deltas.
   */
  readonly referenceModified?: string;
}

export interface BucketStats extends StorageFigures {
  readonly bucket: string;
  readonly prefix: string;
  readonly mode: StatsMode;
  /** True when any figure is extrapolated (sampled and quick modes). */
  readonly estimated: boolean;
  readonly deltaspaces: readonly DeltaspaceStats[];
  /** Keys of references that no delta needs. */
  readonly orphanedReferences: readonly string[];
}

/** The phases of a cached stats call, for progress displays. */
export type StatsPhase = "listing" | "computing";

export interface CachedBucketStatsOptions extends OperationOptions {
  readonly mode?: StatsMode;
  /** Only keys under this prefix. */
  readonly prefix?: string;
  /** Recompute even when the stored result still holds (and store the new one). */
  readonly refresh?: boolean;
  /** Stored objects seen so far, per phase (the validating listing, then the computation). */
  readonly onProgress?: (phase: StatsPhase, storedObjectsSeen: number) => void;
}

/** Stats with where they came from. */
export interface CachedBucketStats {
  readonly stats: BucketStats;
  /** True when read from the bucket's stats cache (the listing had not changed). */
  readonly cached: boolean;
  /** ISO 8601 time the figures were computed. */
  readonly computedAt: string;
  /** Why freshly computed figures could not be stored (a read-only bucket); they are valid. */
  readonly cacheWriteError?: string;
}

// ---- one deltaspace ----

export interface DescribeDeltaspaceOptions extends OperationOptions {
  /** Called after each listing page and as each object's metadata is read. */
  readonly onProgress?: (progress: {
    /** Stored objects listed so far. */
    readonly listed: number;
    /** Of those, how many were looked up (HEAD). */
    readonly described: number;
  }) => void;
}

/**
 * Why a direct object is stored whole, as `describeDeltaspace` tells it.
 *
 * @deprecated Use `DirectReason`: every reason is now recorded on the objects written.
 */
export type ObservedDirectReason = DirectReason;

/** One stored object of a deltaspace, as `describeDeltaspace` reports it. */
export interface DeltaspaceObject {
  /** The logical key (`app/app-1.2.zip`); for the reference, its stored key. */
  readonly key: string;
  readonly storedKey: string;
  /**
   * `reference`: the deltaspace's `reference.bin` itself (not a file of the user's);
   * `foreign`: an object without deltaglider metadata.
   */
  readonly storage: "reference" | "delta" | "direct" | "foreign";
  /** Size of the file; absent for a delta whose metadata does not record it. */
  readonly originalSize?: number;
  /** Bytes in the store. */
  readonly storedSize: number;
  readonly lastModified: Date;
  /** When deltaglider stored it (`dg-created-at`), when recorded. */
  readonly createdAt?: Date;
  /** SHA-256 of the file, when recorded. */
  readonly sha256?: string;
  /** Deltas: SHA-256 of the reference they were encoded against. */
  readonly referenceSha256?: string;
  /** Deltas: the zero-diff delta written beside a new reference (the file is the reference). */
  readonly zeroDiff?: boolean;
  /** Deltas whose reference is missing or is not the one they need: they cannot be rebuilt. */
  readonly broken?: boolean;
  /**
   * Direct objects: why they are stored whole, as recorded on the object (`dg-direct-reason`),
   * else when the object shows it (`empty`, `not-eligible`); absent for an eligible file stored
   * whole by a writer that did not record why.
   */
  readonly directReason?: DirectReason;
  /** The reference: the name of the file it was made from (`dg-source-name`). */
  readonly sourceName?: string;
}

export interface DeltaspaceDetails {
  readonly bucket: string;
  /** The folder, without a trailing `/`; `""` for the bucket root. */
  readonly deltaspace: string;
  /** In listing order (stored keys ascending), the reference included. */
  readonly objects: readonly DeltaspaceObject[];
}

// ---- purge ----

/** One rehydrated temporary object under `.deltaglider/tmp/`. */
export interface TempFile {
  readonly key: string;
  readonly size: number;
  /** The `dg-expires-at` text as stored. */
  readonly expiresAt: string;
}

/** What a scan of `.deltaglider/tmp/` found. */
export interface TempScan {
  readonly expired: readonly TempFile[];
  /** Temporary objects not expired yet. */
  readonly live: number;
  /** Temporary objects without a readable `dg-expires-at` (left alone). */
  readonly undated: readonly string[];
}

/** A reference a crashed delete left in `.deltaglider/trash/<sha256>`. */
export interface SetAsideReference {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** Which set-aside references may go, and which are kept with the reason. */
export interface SetAsideScan {
  readonly removable: readonly SetAsideReference[];
  readonly kept: readonly { readonly key: string; readonly reason: string }[];
}

/** A stored key that could not be deleted, with the store's message. */
export interface PurgeError {
  readonly key: string;
  readonly message: string;
}

export interface PurgeOptions extends OperationOptions {
  /** Report what would be deleted and delete nothing. */
  readonly dryRun?: boolean;
  /**
   * Abort deltaglider's unfinished multipart uploads started longer ago than this (ms).
   * Default 24 hours (`DEFAULT_UPLOAD_AGE_MS`).
   */
  readonly olderThanMs?: number;
}

/** What a scan of the bucket's unfinished multipart uploads found. */
export interface UploadScan {
  /** False when the store has no multipart uploads (the `file://` store): nothing was looked at. */
  readonly supported: boolean;
  /** Uploads deltaglider started (marked) and that are older than the threshold. */
  readonly stale: readonly PendingUpload[];
  /** Marked uploads younger than the threshold: maybe still running, left alone. */
  readonly recent: number;
  /** Unmarked uploads (another tool's, or ours from before marking), never touched. */
  readonly foreign: number;
}

/** What a purge found and did. */
export interface PurgeResult {
  readonly bucket: string;
  readonly dryRun: boolean;
  /** The temporary files found under `.deltaglider/tmp/`. */
  readonly tempFiles: TempScan;
  /**
   * The set-aside references: removable ones, and the ones kept (after a real run, also those
   * set aside again while the purge ran).
   */
  readonly setAside: SetAsideScan;
  /** Expired temporary files deleted (none in a dry run). */
  readonly deleted: readonly string[];
  /** Bytes of the temporary files deleted. */
  readonly freedBytes: number;
  /** Set-aside references deleted (none in a dry run). */
  readonly setAsideDeleted: readonly string[];
  /** deltaglider's unfinished multipart uploads, found and (unless a dry run) aborted. */
  readonly uploads: UploadScan;
  /** The keys of the uploads aborted (none in a dry run). */
  readonly uploadsAborted: readonly string[];
  readonly errors: readonly PurgeError[];
}

// ---- empty bucket ----

export interface EmptyBucketOptions extends OperationOptions {
  /** Called with each batch of logical keys once its delete request is done. */
  readonly onDeleted?: (keys: readonly string[]) => void;
}

export interface EmptyBucketResult {
  /** Logical keys deleted. */
  readonly deleted: readonly string[];
  /** Stored objects removed afterwards that no logical delete reaches (`.deltaglider/`, orphans). */
  readonly leftovers: number;
}

/** Bucket upkeep that knows the bucket format: stats, the `.deltaglider/` folder, emptying. */
export interface BucketMaintenance {
  /** Storage figures per deltaspace and in total. */
  bucketStats(bucket: string, options?: BucketStatsOptions): Promise<BucketStats>;
  /**
   * Stats kept in the bucket (`.deltaglider/cli-stats/`) and reused while the raw listing of the
   * prefix is unchanged: a hit costs the listing and one GET.
   */
  cachedBucketStats(bucket: string, options?: CachedBucketStatsOptions): Promise<CachedBucketStats>;
  /** Delete the object-facts index (`.deltaglider/facts/`) of a bucket. */
  dropFactsIndex(
    bucket: string,
    options?: FactsIndexUpkeepOptions,
  ): Promise<FactsIndexUpkeepResult>;
  /** Drop the object-facts index, then index every delta and reference again (one HEAD each). */
  rebuildFactsIndex(
    bucket: string,
    options?: FactsIndexUpkeepOptions,
  ): Promise<FactsIndexUpkeepResult>;
  /**
   * The stored objects of one deltaspace (its own level, not its sub-folders), each with how
   * it is stored: one listing and a HEAD per object.
   */
  describeDeltaspace(
    bucket: string,
    deltaspace: string,
    options?: DescribeDeltaspaceOptions,
  ): Promise<DeltaspaceDetails>;
  /**
   * Delete the expired temporary files of `.deltaglider/tmp/` and the set-aside references of
   * `.deltaglider/trash/` that nothing needs; nothing else is touched.
   */
  purgeTempFiles(bucket: string, options?: PurgeOptions): Promise<PurgeResult>;
  /**
   * Delete every object of a bucket: logical deletes first (references go with their last
   * delta), then whatever is left raw (`.deltaglider/`, orphans).
   */
  emptyBucket(bucket: string, options?: EmptyBucketOptions): Promise<EmptyBucketResult>;
}
