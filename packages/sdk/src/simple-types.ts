import type { Metadata, ObjectHeaders, ObjectTags, ProgressListener, S3Uri } from "@dg/core";
import type {
  DirectReason,
  RecoveryOptions,
  RequestOptions,
  StorageType,
  StoredKind,
} from "./object-types.js";

/**
 * Where an object is: an `s3://bucket/key` URI, or one already parsed into bucket and key (as
 * `parseS3Uri` returns it), so that a caller that parsed its arguments does not format them
 * back into text for the SDK to parse again.
 */
export type S3Location = string | S3Uri;

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
  /** Above this share of the file, its delta makes it a new reference of its folder. */
  readonly newReferenceRatio?: number;
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

/** What `findSimilarFiles` compares with: a local file (its name and size), or a description. */
export type SimilarFileQuery = string | { readonly name: string; readonly size?: number };

export interface FindSimilarFilesOptions extends RequestOptions {
  /** How many to return at most; default 5. */
  readonly limit?: number;
  /** Leave out files less alike than this (0 to 1); default 0.5. */
  readonly minSimilarity?: number;
  /** Look in sub-folders of the prefix too (default true); `false`: only its own level. */
  readonly recursive?: boolean;
}

/** A stored file and how much it resembles the one asked about. */
export interface SimilarFile {
  /** The logical key. */
  readonly key: string;
  /** Original size in bytes. */
  readonly size: number;
  readonly storedSize: number;
  readonly isDelta: boolean;
  readonly lastModified: Date;
  /** The estimate, from 0 (nothing alike) to 1 (same name shape, extension and size). */
  readonly similarity: number;
  /** What it is made of (each 0 to 1): `name`, `extension`, and `size` when the query has one. */
  readonly scores: {
    readonly name: number;
    readonly extension: number;
    readonly size?: number;
  };
}

/** One object's deltaglider facts (the Python SDK's `get_object_info`). */
export interface ObjectInfoResult {
  readonly bucket: string;
  /** The logical key (`.delta` removed). */
  readonly key: string;
  readonly storedKey: string;
  readonly storageType: StoredKind;
  readonly isDelta: boolean;
  /** Original size in bytes. */
  readonly size: number;
  /** Bytes the object takes in the store (the delta's size for a delta; the reference not counted). */
  readonly storedSize: number;
  /** `storedSize / size`; 1 for an empty file. */
  readonly compressionRatio: number;
  /** `(size - storedSize) / size × 100`; 0 for an empty file. */
  readonly savingsPercent: number;
  /** SHA-256 of the original bytes (absent for foreign objects). */
  readonly sha256?: string;
  /** For deltas: the reference they are rebuilt from. */
  readonly referenceKey?: string;
  /** For direct objects: why the file is stored whole, when known. */
  readonly directReason?: DirectReason;
  readonly lastModified: Date;
  readonly etag?: string;
  readonly contentType?: string;
  /** The user's metadata (deltaglider's own `dg-*` keys left out). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly tagCount?: number;
}

export interface DeleteObjectsRecursiveOptions extends RequestOptions {
  /** Delete only the keys this accepts; it gets each key relative to the prefix. */
  readonly filter?: (relativeKey: string) => boolean;
  /** Delete nothing; `deleted` lists what would go. */
  readonly dryRun?: boolean;
  /** Called after each delete request (up to 1,000 keys) with the keys deleted and failed. */
  readonly onBatch?: (batch: {
    readonly deleted: readonly string[];
    readonly errors: readonly ObjectError[];
  }) => void;
}

/** A key that could not be deleted (or a folder's unused reference that could not be removed). */
export interface ObjectError {
  readonly key: string;
  readonly error: Error;
}

export interface DeleteObjectsRecursiveResult {
  readonly bucket: string;
  /** The folder prefix (`dir` is taken as `dir/`, `""` is the whole bucket). */
  readonly prefix: string;
  readonly dryRun: boolean;
  /** Logical keys deleted (in a dry run: the keys that would be). */
  readonly deleted: readonly string[];
  readonly errors: readonly ObjectError[];
  /** References removed with their folder's last delta, or found unused under the prefix. */
  readonly referencesDeleted: readonly string[];
}
