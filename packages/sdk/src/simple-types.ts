import type { ListedObject, Metadata, ObjectHeaders, ObjectTags, ProgressListener } from "@dg/core";
import type {
  DirectReason,
  RecoveryOptions,
  RequestOptions,
  StorageType,
  StoredKind,
} from "./object-types.js";

export interface UploadFileOptions extends RequestOptions {
  readonly metadata?: Metadata;
  readonly contentType?: string;
  /** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires. */
  readonly headers?: ObjectHeaders;
  /** Tags of the uploaded object (at most 10; keys ≤ 128, values ≤ 256 characters). */
  readonly tags?: ObjectTags;
  /** `false`: store directly whatever the name (`--no-delta`). */
  readonly delta?: boolean;
  readonly maxRatio?: number;
  readonly onProgress?: ProgressListener;
}

/** What an upload stored. */
export interface UploadResult {
  readonly bucket: string;
  /** The logical key, as `aws s3 cp` names it. */
  readonly key: string;
  readonly storedKey: string;
  readonly storageType: StorageType;
  readonly originalSize: number;
  readonly storedSize: number;
  /** `(originalSize - storedSize) / originalSize × 100`, 0 for an empty file. */
  readonly savingsPercent: number;
  /** `storedSize / originalSize`; 1 for an empty file. */
  readonly deltaRatio: number;
  readonly sha256: string;
  readonly etag?: string;
  readonly referenceKey?: string;
  readonly directReason?: DirectReason;
}

export interface DownloadFileOptions extends RequestOptions, RecoveryOptions {
  readonly onProgress?: ProgressListener;
  /**
   * Write exactly `path`: never `path/<object name>` when `path` is (or ends like) a folder,
   * which then fails with a ConflictError. For callers that planned every target themselves.
   */
  readonly exactPath?: boolean;
}

export interface DownloadResult {
  readonly bucket: string;
  readonly key: string;
  /** The file written. */
  readonly path: string;
  readonly size: number;
  readonly storageType: StoredKind;
  /** SHA-256 of the bytes written. */
  readonly sha256: string;
  /** Whether the bytes were checked against a stored SHA-256 (false for foreign objects). */
  readonly verified: boolean;
  /**
   * False for a file rebuilt with `recoverExternalCompression`: content-equal to the original
   * (same decompressed content), not byte-identical.
   */
  readonly byteIdentical: boolean;
}

/** Options of `verifyObject`. */
export interface VerifyOptions extends RequestOptions {
  /** Rebuild deltas made over decompressed content too (see {@link RecoveryOptions}). */
  readonly recoverExternalCompression?: boolean;
}

export interface VerifyResult {
  readonly bucket: string;
  readonly key: string;
  readonly storedKey: string;
  readonly storageType: StoredKind;
  readonly size: number;
  /**
   * `ok`: rebuilt and matched; `mismatch`: damaged; `unverifiable`: no SHA-256 recorded;
   * `content-equal`: rebuilt with `recoverExternalCompression`, the decompressed content
   * checked, the bytes not byte-identical (so the SHA-256 cannot match).
   */
  readonly status: "ok" | "mismatch" | "unverifiable" | "content-equal";
  readonly expectedSha256?: string;
  /** SHA-256 of what was read (absent when reading failed before the end). */
  readonly actualSha256?: string;
  /** What went wrong, for `mismatch`. */
  readonly message?: string;
}

/** How much `getBucketStats` reads; see the README for what each mode costs. */
export type StatsMode = "quick" | "sampled" | "detailed";

export interface BucketStatsOptions extends RequestOptions {
  readonly mode?: StatsMode;
  /** Only keys under this prefix. */
  readonly prefix?: string;
  /** Called after each listing page with the number of stored objects seen so far. */
  readonly onListProgress?: (storedObjectsSeen: number) => void;
  /**
   * The stored objects of a listing of this bucket and prefix the caller has just made (the
   * CLI's stats cache lists to validate itself): used instead of listing again.
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

export interface EstimateOptions extends RequestOptions {
  /** Files measured per folder (the first is the reference); default 4. */
  readonly samplesPerFolder?: number;
  /** Skip files larger than this when sampling (bytes); default 512 MiB. */
  readonly maxSampleBytes?: number;
  /** Called as each folder is measured. */
  readonly onFolder?: (folder: FolderEstimate) => void;
}

/** The projection for one folder (future deltaspace). */
export interface FolderEstimate {
  readonly folder: string;
  readonly objectCount: number;
  readonly eligibleObjects: number;
  readonly totalBytes: number;
  readonly eligibleBytes: number;
  /** Files delta-encoded to measure (the reference excluded). */
  readonly sampledObjects: number;
  /** Measured `delta size / file size` over the samples (bytes-weighted); absent with no sample. */
  readonly measuredRatio?: number;
  readonly estimatedStoredBytes: number;
  readonly estimatedSavedBytes: number;
  readonly estimatedSavingsPercent: number;
}

export interface CompressionEstimate {
  readonly bucket: string;
  readonly prefix: string;
  readonly objectCount: number;
  readonly eligibleObjects: number;
  readonly totalBytes: number;
  readonly eligibleBytes: number;
  readonly sampledObjects: number;
  readonly estimatedStoredBytes: number;
  readonly estimatedSavedBytes: number;
  readonly estimatedSavingsPercent: number;
  readonly folders: readonly FolderEstimate[];
}
