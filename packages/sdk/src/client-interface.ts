import type {
  BucketInput,
  CreateBucketInput,
  CreateBucketOutput,
  GetBucketAclOutput,
  GetSignedUrlInput,
  ListBucketsOutput,
  PutBucketAclInput,
} from "./bucket-types.js";
import type {
  CopyObjectInput,
  CopyObjectOutput,
  DeleteObjectInput,
  DeleteObjectOutput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  DeleteObjectTaggingInput,
  DeleteObjectTaggingOutput,
  GetObjectInput,
  GetObjectOptions,
  GetObjectOutput,
  GetObjectTaggingInput,
  GetObjectTaggingOutput,
  HeadObjectInput,
  HeadObjectOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
  PutObjectInput,
  PutObjectOutput,
  PutObjectTaggingInput,
  PutObjectTaggingOutput,
  RequestOptions,
  TransferOptions,
} from "./object-types.js";
import type {
  BucketStats,
  BucketStatsOptions,
  CachedBucketStats,
  CachedBucketStatsOptions,
  DeltaspaceDetails,
  DescribeDeltaspaceOptions,
  EmptyBucketOptions,
  EmptyBucketResult,
  PurgeOptions,
  PurgeResult,
} from "@dg/core";
import type {
  CompressionEstimate,
  DownloadFileOptions,
  DownloadResult,
  EstimateOptions,
  S3Location,
  UploadFileOptions,
  UploadResult,
  VerifyOptions,
  VerifyResult,
} from "./simple-types.js";

/**
 * A deltaglider client: S3's object and bucket operations, shaped like the AWS SDK v3
 * commands, on delta-compressed storage; plus a simple file API. Errors are the `DgError`
 * family of `@dg/core` (`NotFoundError`, `IntegrityError`, …), each with a `hint`.
 */
export interface DeltaGliderClient {
  /** Where the buckets are, for messages: `s3 https://…`, `dir /data`. */
  readonly description: string;
  /** The resolved endpoint URL, when one is configured. */
  readonly endpoint: string | undefined;
  /** The store kind behind this client. */
  readonly storeKind: "s3" | "dir" | "custom";

  putObject(input: PutObjectInput, options?: TransferOptions): Promise<PutObjectOutput>;
  getObject(input: GetObjectInput, options?: GetObjectOptions): Promise<GetObjectOutput>;
  headObject(input: HeadObjectInput, options?: RequestOptions): Promise<HeadObjectOutput>;
  listObjectsV2(input: ListObjectsV2Input, options?: RequestOptions): Promise<ListObjectsV2Output>;
  deleteObject(input: DeleteObjectInput, options?: RequestOptions): Promise<DeleteObjectOutput>;
  deleteObjects(input: DeleteObjectsInput, options?: RequestOptions): Promise<DeleteObjectsOutput>;
  copyObject(input: CopyObjectInput, options?: TransferOptions): Promise<CopyObjectOutput>;
  /** The tags of an object, found by its logical key as `headObject` finds it. */
  getObjectTagging(
    input: GetObjectTaggingInput,
    options?: RequestOptions,
  ): Promise<GetObjectTaggingOutput>;
  /** Replace the tags of an object (validated: at most 10, keys ≤ 128, values ≤ 256). */
  putObjectTagging(
    input: PutObjectTaggingInput,
    options?: RequestOptions,
  ): Promise<PutObjectTaggingOutput>;
  /** Remove every tag of an object. */
  deleteObjectTagging(
    input: DeleteObjectTaggingInput,
    options?: RequestOptions,
  ): Promise<DeleteObjectTaggingOutput>;

  createBucket(input: CreateBucketInput, options?: RequestOptions): Promise<CreateBucketOutput>;
  /** Fails with `ConflictError` when the bucket is not empty. */
  deleteBucket(input: BucketInput, options?: RequestOptions): Promise<void>;
  listBuckets(options?: RequestOptions): Promise<ListBucketsOutput>;
  /** Resolves when the bucket exists and can be reached; `NotFoundError` otherwise. */
  headBucket(input: BucketInput, options?: RequestOptions): Promise<void>;
  getBucketAcl(input: BucketInput, options?: RequestOptions): Promise<GetBucketAclOutput>;
  putBucketAcl(input: PutBucketAclInput, options?: RequestOptions): Promise<void>;

  /**
   * A presigned GET URL of an object stored directly. Delta-stored objects cannot be fetched
   * with a plain GET (their bytes are a delta): `UnsupportedError` with a hint.
   */
  getSignedUrl(input: GetSignedUrlInput, options?: RequestOptions): Promise<string>;

  /**
   * Upload a local file (streamed, read twice, never loaded whole). The destination follows
   * `aws s3 cp`: `s3://b/dir/` keeps the file's name, `s3://b/dir/new.zip` renames it. Every
   * location argument is an `s3://` URI or a parsed `{ bucket, key }`.
   */
  uploadFile(path: string, to: S3Location, options?: UploadFileOptions): Promise<UploadResult>;
  /**
   * Download to a file atomically: written beside it under a temporary name, verified, then
   * renamed; nothing is left behind on failure. A `path` ending in a separator, or naming an
   * existing directory, gets the object's name.
   */
  downloadFile(
    from: S3Location,
    path: string,
    options?: DownloadFileOptions,
  ): Promise<DownloadResult>;
  /** Rebuild an object and check its SHA-256; nothing is written. */
  verifyObject(location: S3Location, options?: VerifyOptions): Promise<VerifyResult>;
  /** Storage figures per deltaspace and in total. */
  getBucketStats(bucket: string, options?: BucketStatsOptions): Promise<BucketStats>;
  /**
   * The stored objects of one deltaspace (folder), each with how it is stored, for a closer
   * look than `getBucketStats` gives: one listing and a HEAD per object.
   *
   * @example
   * ```ts
   * const { objects } = await client.describeDeltaspace("releases", "app/");
   * ```
   */
  describeDeltaspace(
    bucket: string,
    deltaspace: string,
    options?: DescribeDeltaspaceOptions,
  ): Promise<DeltaspaceDetails>;
  /**
   * Storage figures kept in the bucket (`.deltaglider/cli-stats/`) and reused while the raw
   * listing of the prefix has not changed: a hit costs that listing and one GET, a miss
   * computes from the same listing and stores the result (a bucket that cannot be written still
   * gets its figures; `cacheWriteError` says why they were not kept). `refresh` recomputes.
   *
   * @example
   * ```ts
   * const { stats, cached } = await client.getCachedBucketStats("releases", { mode: "quick" });
   * ```
   */
  getCachedBucketStats(
    bucket: string,
    options?: CachedBucketStatsOptions,
  ): Promise<CachedBucketStats>;
  /**
   * Delete a bucket's expired temporary files (`.deltaglider/tmp/`, whose `dg-expires-at` has
   * passed, as the Python tool's `purge_temp_files`) and the references a crashed delete set
   * aside (`.deltaglider/trash/`) that no delta needs any more. `dryRun` only reports. Every
   * key gets its own outcome: a failed delete is listed in `errors`, the others go on.
   *
   * @example
   * ```ts
   * const { deleted, freedBytes } = await client.purgeTempFiles("releases");
   * ```
   */
  purgeTempFiles(bucket: string, options?: PurgeOptions): Promise<PurgeResult>;
  /**
   * Delete every object of a bucket (the bucket stays): logical deletes first, so references
   * go with their last delta, then deltaglider's own files and any orphans, raw.
   *
   * @example
   * ```ts
   * await client.emptyBucket("scratch");
   * await client.deleteBucket({ Bucket: "scratch" });
   * ```
   */
  emptyBucket(bucket: string, options?: EmptyBucketOptions): Promise<EmptyBucketResult>;
  /** Projected savings of a plain S3 prefix, measured on samples; writes nothing. */
  estimateCompression(prefix: S3Location, options?: EstimateOptions): Promise<CompressionEstimate>;

  /** Release sockets and the S3 client this client built (not one passed in). */
  destroy(): void;
}
