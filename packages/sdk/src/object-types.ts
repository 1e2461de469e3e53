import type { Readable } from "node:stream";
import type { DirectReason as CoreDirectReason, ProgressListener } from "@dg/core";

/** Options every client method accepts as its last argument. */
export interface RequestOptions {
  /** Abort the operation; it then fails with `CancelledError`. */
  readonly signal?: AbortSignal;
}

/**
 * Rescue of deltas made over decompressed content: the Python DeltaGlider stores `.tgz` files
 * with deltas that xdelta3 made over their decompressed content, which cannot rebuild the
 * original bytes.
 */
export interface RecoveryOptions {
  /**
   * Rebuild such a file by decoding its decompressed content and compressing it again: the
   * result has the same decompressed content but is NOT byte-identical to the original, so
   * its SHA-256 cannot be checked (the delta's window checksums of the decompressed content
   * are). Only for the built-in delta engine. Default false: such files fail with
   * `UnsupportedError`.
   */
  readonly recoverExternalCompression?: boolean;
  /** Told when the result is content-equal but not byte-identical. */
  readonly onNotByteIdentical?: (message: string) => void;
}

/** Options of `getObject`. */
export interface GetObjectOptions extends RequestOptions, RecoveryOptions {}

/** Options of uploads: cancellation plus progress on the original bytes. */
export interface TransferOptions extends RequestOptions {
  readonly onProgress?: ProgressListener;
}

/**
 * What `putObject` accepts as a body. A one-shot stream (Node `Readable`, web `ReadableStream`,
 * any async iterable of bytes) is spooled to scratch space first, never held whole in memory;
 * strings are UTF-8.
 */
export type PutObjectBody =
  | Uint8Array
  | string
  | Blob
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** How deltaglider stored a file. */
export type StorageType = "reference" | "delta" | "direct";

/**
 * Why a file was stored whole: `delta-disabled` (`UseDelta: false`, `--no-delta`),
 * `not-eligible` (a file type never delta-encoded), `empty`, `max-ratio` (its delta was over
 * the max ratio), `reference-changed` (the folder's reference changed during the upload).
 * Recorded on the object (`dg-direct-reason`).
 */
export type DirectReason = CoreDirectReason;

/** What deltaglider did with an upload. */
export interface DeltaGliderInfo {
  /**
   * `reference`: the file became a reference of its deltaspace (the first file, or one the
   * folder's references had drifted away from), stored whole plus a tiny zero-diff delta.
   */
  readonly StorageType: StorageType;
  /** The key the bytes went to (`x.zip.delta`, or the key itself when stored directly). */
  readonly StoredKey: string;
  readonly OriginalSize: number;
  /** Bytes written for this file (a new reference counts whole, with its zero-diff delta). */
  readonly StoredSize: number;
  /** `(OriginalSize - StoredSize) / OriginalSize × 100`, 0 for empty files; may be negative. */
  readonly SavingsPercent: number;
  /** `StoredSize / OriginalSize` (1 for direct uploads and empty files). */
  readonly DeltaRatio: number;
  /** SHA-256 of the original bytes, 64 lowercase hex. */
  readonly Sha256: string;
  /**
   * For deltas and references: the reference the delta decodes against, the deltaspace's
   * `reference.bin` or one of its extra references (`<folder>/.dg-refs/<id>/reference.bin`).
   */
  readonly ReferenceKey?: string;
  /** Why the file was stored whole, when it was. */
  readonly DirectReason?: DirectReason;
}

/**
 * The standard HTTP headers S3 keeps with an object, named as in the AWS SDK v3. They are
 * stored on the object that holds the file (delta or direct), never on `reference.bin`.
 */
export interface ObjectHeaderFields {
  readonly CacheControl?: string;
  readonly ContentDisposition?: string;
  readonly ContentEncoding?: string;
  readonly ContentLanguage?: string;
  /** Travels as an HTTP date: whole seconds. */
  readonly Expires?: Date;
}

/** One tag, as the AWS SDK's `TagSet` holds it. */
export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface PutObjectInput extends ObjectHeaderFields {
  readonly Bucket: string;
  readonly Key: string;
  readonly Body: PutObjectBody;
  /** User metadata (keys are lower-cased; `dg-*` and the legacy deltaglider names are refused). */
  readonly Metadata?: Readonly<Record<string, string>>;
  /** Default `application/octet-stream`. */
  readonly ContentType?: string;
  /** Size of the body when known; checked against what was read. */
  readonly ContentLength?: number;
  /**
   * Tags in S3's URL query form, `k1=v1&k2=v2` (keys and values URL-encoded). At most 10 tags,
   * keys ≤ 128 and values ≤ 256 characters; anything else is an `InvalidArgumentError`.
   */
  readonly Tagging?: string;
  /** `false`: store the file directly whatever its name (`--no-delta`). Default true. */
  readonly UseDelta?: boolean;
  /** Override the client's max ratio for this upload. */
  readonly MaxRatio?: number;
  /** Override the client's new-reference ratio for this upload. */
  readonly NewReferenceRatio?: number;
}

export interface PutObjectOutput {
  /** The store's entity tag of the stored object, quoted. */
  readonly ETag?: string;
  readonly DeltaGliderInfo: DeltaGliderInfo;
}

/**
 * A response body: a Node `Readable` of the original bytes with the AWS SDK's helpers. The
 * SHA-256 is checked as it streams; on a mismatch the stream errors at its end with an
 * `IntegrityError`, so do not trust what was read before the stream has ended.
 */
export type StreamingBody = Readable & {
  /** Read the whole body (verified) into memory. */
  transformToByteArray(): Promise<Uint8Array>;
  /** Read the whole body (verified) as text; default UTF-8. */
  transformToString(encoding?: BufferEncoding): Promise<string>;
  /** The same bytes as a web stream; use this or the Readable, not both. */
  transformToWebStream(): ReadableStream<Uint8Array>;
};

/** How a logical object is stored; `foreign` objects carry no deltaglider metadata. */
export type StoredKind = "delta" | "direct" | "foreign";

/** What deltaglider knows about a stored object (head and get). */
export interface ObjectDeltaGliderInfo {
  readonly StorageType: StoredKind;
  readonly StoredKey: string;
  readonly StoredSize: number;
  readonly OriginalSize: number;
  /** SHA-256 of the original bytes, when recorded (not for foreign objects). */
  readonly Sha256?: string;
  readonly ReferenceKey?: string;
  /**
   * Direct objects: why the file is stored whole, as recorded on it (or shown by it: empty, a
   * file type never delta-encoded); absent when unknown.
   */
  readonly DirectReason?: DirectReason;
}

export interface HeadObjectInput {
  readonly Bucket: string;
  readonly Key: string;
}

export interface HeadObjectOutput extends ObjectHeaderFields {
  /** Size of the original file. */
  readonly ContentLength: number;
  readonly ContentType?: string;
  readonly LastModified: Date;
  /** The stored object's entity tag. */
  readonly ETag?: string;
  /** The user's own metadata (deltaglider's `dg-*` keys left out). */
  readonly Metadata: Record<string, string>;
  /** How many tags the object has; absent when it has none (S3's `x-amz-tagging-count`). */
  readonly TagCount?: number;
  readonly AcceptRanges: "bytes";
  readonly DeltaGliderInfo: ObjectDeltaGliderInfo;
}

export interface GetObjectInput {
  readonly Bucket: string;
  readonly Key: string;
  /** A range of the original bytes: `bytes=a-b`, `bytes=a-` or `bytes=-n`. */
  readonly Range?: string;
}

export interface GetObjectOutput extends HeadObjectOutput {
  readonly Body: StreamingBody;
  /** For ranged reads: `bytes a-b/size`. */
  readonly ContentRange?: string;
}

export interface ListObjectsV2Input {
  readonly Bucket: string;
  readonly Prefix?: string;
  readonly Delimiter?: string;
  /** At most 1,000. A page may hold fewer keys (references are hidden). */
  readonly MaxKeys?: number;
  readonly ContinuationToken?: string;
  /** A logical key: listing starts after it. */
  readonly StartAfter?: string;
  /** Look up original sizes of deltas (one HEAD each, in parallel). Default true. */
  readonly FetchOriginalSizes?: boolean;
}

/** What `listAllObjects` walks. */
export interface ListAllObjectsInput {
  readonly Bucket: string;
  readonly Prefix?: string;
  /** Look up original sizes of deltas (one HEAD each, in parallel). Default true. */
  readonly FetchOriginalSizes?: boolean;
}

export interface ListAllObjectsOptions extends RequestOptions {
  /**
   * Folders of the prefix's top level listed side by side (the level is listed with a `/`
   * delimiter first) once the walk has gone past 25 pages: a shorter listing is faster as one
   * walk. Default 4; 1 walks the listing page after page. The order is the same.
   */
  readonly folderConcurrency?: number;
}

/** One entry of a listing, under its logical (original) name. */
export interface ListedObject {
  readonly Key: string;
  /** Original size, or the stored size when `FetchOriginalSizes` was false. */
  readonly Size: number;
  readonly LastModified: Date;
  readonly ETag?: string;
  readonly DeltaGliderInfo: {
    readonly StoredKey: string;
    readonly StoredSize: number;
    readonly IsDelta: boolean;
  };
}

export interface ListObjectsV2Output {
  readonly Name: string;
  readonly Prefix?: string;
  readonly Delimiter?: string;
  readonly MaxKeys: number;
  readonly StartAfter?: string;
  readonly ContinuationToken?: string;
  readonly Contents: readonly ListedObject[];
  readonly CommonPrefixes: readonly { readonly Prefix: string }[];
  /** Entries in `Contents` plus `CommonPrefixes`. */
  readonly KeyCount: number;
  readonly IsTruncated: boolean;
  readonly NextContinuationToken?: string;
}

export interface DeleteObjectInput {
  readonly Bucket: string;
  readonly Key: string;
}

export interface DeleteObjectOutput {
  readonly DeltaGliderInfo: {
    /** False when nothing was stored under the key (S3 reports success all the same). */
    readonly Deleted: boolean;
    /** Stored keys removed, the deltaspace's reference included when its last delta went. */
    readonly DeletedKeys: readonly string[];
    readonly ReferenceDeleted: boolean;
  };
}

export interface DeleteObjectsInput {
  readonly Bucket: string;
  readonly Delete: {
    readonly Objects: readonly { readonly Key: string }[];
    readonly Quiet?: boolean;
  };
}

export interface DeleteObjectsOutput {
  /** Keys deleted, missing ones included as in S3; empty when `Quiet`. */
  readonly Deleted: readonly { readonly Key: string }[];
  /**
   * One entry per key that could not be deleted (the others are deleted all the same), with an
   * S3 error code (`AccessDenied`, `InvalidArgument`, …); a reference whose removal failed is
   * listed under its own key.
   */
  readonly Errors: readonly {
    readonly Key: string;
    readonly Code: string;
    readonly Message: string;
  }[];
  readonly DeltaGliderInfo: {
    readonly DeletedKeys: readonly string[];
    readonly ReferencesDeleted: boolean;
    /** Keys under which nothing was stored. */
    readonly MissingKeys: readonly string[];
  };
}

export interface CopyObjectInput extends ObjectHeaderFields {
  /** Destination bucket. */
  readonly Bucket: string;
  /** Destination key. */
  readonly Key: string;
  /** `source-bucket/source-key`, the key URL-encoded as the AWS SDK expects (a leading `/` is allowed). */
  readonly CopySource: string;
  /**
   * `COPY` (default): keep the source's metadata, content type and headers (the header fields
   * given here are then ignored, as in S3); `REPLACE`: use the ones given, and only those.
   */
  readonly MetadataDirective?: "COPY" | "REPLACE";
  readonly Metadata?: Readonly<Record<string, string>>;
  readonly ContentType?: string;
  /** `COPY` (default): keep the source's tags; `REPLACE`: use `Tagging` (none when omitted). */
  readonly TaggingDirective?: "COPY" | "REPLACE";
  /** The destination's tags with `TaggingDirective: "REPLACE"`, in S3's URL query form. */
  readonly Tagging?: string;
  readonly UseDelta?: boolean;
  readonly MaxRatio?: number;
  readonly NewReferenceRatio?: number;
}

export interface CopyObjectOutput {
  readonly CopyObjectResult: { readonly ETag?: string; readonly LastModified?: Date };
  readonly DeltaGliderInfo: DeltaGliderInfo;
}

export interface ObjectTaggingInput {
  readonly Bucket: string;
  /** The logical key (resolved to the stored object as `headObject` does). */
  readonly Key: string;
}

export type GetObjectTaggingInput = ObjectTaggingInput;

export interface GetObjectTaggingOutput {
  readonly TagSet: readonly Tag[];
}

export interface PutObjectTaggingInput extends ObjectTaggingInput {
  /** The new tag set (replaces the old one); validated as S3 does. */
  readonly Tagging: { readonly TagSet: readonly Tag[] };
}

export type PutObjectTaggingOutput = Record<string, never>;

export type DeleteObjectTaggingInput = ObjectTaggingInput;

export type DeleteObjectTaggingOutput = Record<string, never>;
