import type {
  BucketInput,
  CreateBucketInput,
  CreateBucketOutput,
  GetBucketAclOutput,
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
  ListAllObjectsInput,
  ListAllObjectsOptions,
  ListedObject,
  ListObjectsV2Input,
  ListObjectsV2Output,
  PutObjectInput,
  PutObjectOutput,
  PutObjectTaggingInput,
  PutObjectTaggingOutput,
  RequestOptions,
  TransferOptions,
} from "./object-types.js";
import type { RebaseOptions, RebaseResult } from "@dg/core";
import type {
  BucketStats,
  BucketStatsOptions,
  CachedBucketStats,
  CachedBucketStatsOptions,
  DeltaspaceDetails,
  DescribeDeltaspaceOptions,
  EmptyBucketOptions,
  FactsIndexUpkeepOptions,
  FactsIndexUpkeepResult,
  EmptyBucketResult,
  PurgeOptions,
  PurgeResult,
} from "@dg/core";
import type {
  BatchResult,
  DownloadFilesItem,
  DownloadFilesOptions,
  UploadFilesItem,
  UploadFilesOptions,
} from "./batch-types.js";
import type {
  Migration,
  MigrateOptions,
  MigrationPlan,
  PlanMigrationOptions,
} from "./migrate-types.js";
import type {
  CreatePresignedPostInput,
  CreatePresignedPostOutput,
  GetSignedUrlInput,
  RehydrateForDownloadInput,
  RehydrateForDownloadOutput,
} from "./link-types.js";
import type {
  CompressionEstimate,
  DeleteObjectsRecursiveOptions,
  DeleteObjectsRecursiveResult,
  DownloadFileOptions,
  DownloadResult,
  EstimateOptions,
  FindSimilarFilesOptions,
  ObjectInfoResult,
  S3Location,
  SimilarFile,
  SimilarFileQuery,
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
  /**
   * Every logical object under a prefix, in key order, one at a time: pages are read ahead
   * while the current one's deltas are HEADed, and once the walk passes 25 pages the rest of
   * the top level's folders are listed side by side (`folderConcurrency`, default 4), so memory
   * stays bounded whatever the bucket's size.
   *
   * @example
   * ```ts
   * for await (const o of client.listAllObjects({ Bucket: "releases", Prefix: "app/" })) {
   *   console.log(o.Key, o.Size);
   * }
   * ```
   */
  listAllObjects(
    input: ListAllObjectsInput,
    options?: ListAllObjectsOptions,
  ): AsyncIterable<ListedObject>;
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
   * A presigned GET URL that serves the original bytes of any object. One stored as it is
   * (direct, foreign) is signed directly. A delta-stored one is rebuilt (verified) into
   * `.deltaglider/tmp/<id>_<name>` with a `dg-expires-at` equal to the URL's expiry (the
   * Python tool's layout, so either tool's `purge` removes it afterwards), and the copy is
   * signed, with `Content-Disposition: attachment` and the file's name. A live copy of the
   * same object version is reused, its expiry pushed out to the new URL's. `Rehydrate: false`
   * refuses deltas with `UnsupportedError` instead; a `file://` store has no URLs
   * (`UnsupportedError`).
   *
   * @example
   * ```ts
   * const url = await client.getSignedUrl({ Bucket: "releases", Key: "app/app-1.4.1.zip", ExpiresIn: 900 });
   * const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer()); // the original file
   * ```
   */
  getSignedUrl(input: GetSignedUrlInput, options?: RequestOptions): Promise<string>;
  /**
   * What a link is made from, without signing it (the Python SDK's `rehydrate_for_download`):
   * a delta is rebuilt into `.deltaglider/tmp/` (or a live copy reused) and its key returned;
   * any other object is returned under its own stored key.
   *
   * @example
   * ```ts
   * const { Key, ExpiresAt } = await client.rehydrateForDownload({ Bucket: "releases", Key: "app/app-1.4.1.zip" });
   * ```
   */
  rehydrateForDownload(
    input: RehydrateForDownloadInput,
    options?: RequestOptions,
  ): Promise<RehydrateForDownloadOutput>;
  /**
   * A browser upload form for one key, in `@aws-sdk/s3-presigned-post`'s shapes: post
   * `fields`, then the file as `file`, to `url`. The file lands as a plain object, stored
   * whole (S3 writes it; deltaglider never sees it): reads return it as it is, and `deltaglider
   * migrate` can move such uploads into delta storage later. Keys deltaglider reserves
   * (`reference.bin`, `*.delta`, `.deltaglider/`) are refused; a `file://` store has no forms.
   *
   * @example
   * ```ts
   * const { url, fields } = await client.createPresignedPost({
   *   Bucket: "uploads", Key: "incoming/${filename}", Expires: 600,
   *   Conditions: [["content-length-range", 1, 100 * 1024 * 1024]],
   * });
   * ```
   */
  createPresignedPost(
    input: CreatePresignedPostInput,
    options?: RequestOptions,
  ): Promise<CreatePresignedPostOutput>;

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
  /**
   * Upload many files, `concurrency` (default 4) at a time, each as `uploadFile` would (the
   * other options apply to every file). Every file gets its own result or error: one that
   * fails does not stop the others. `onProgress` is one stream for the whole batch (each
   * file's start, bytes, end or failure, with running totals). Cancelling rejects with
   * `CancelledError` once the files in flight have stopped.
   *
   * @example
   * ```ts
   * const { results, failed } = await client.uploadFiles(
   *   ["dist/app-1.4.zip", "dist/app-1.4.tar.gz"].map((path) => ({ path, to: "s3://releases/app/" })),
   *   { concurrency: 2, onProgress: (e) => e.type === "file-done" && console.log(e.label) },
   * );
   * ```
   */
  uploadFiles(
    items: readonly UploadFilesItem[],
    options?: UploadFilesOptions,
  ): Promise<BatchResult<UploadResult>>;
  /**
   * Download many objects, `concurrency` (default 4) at a time, each as `downloadFile` would
   * (atomic, verified); results, errors and progress as in `uploadFiles`.
   *
   * @example
   * ```ts
   * const { results } = await client.downloadFiles([
   *   { from: "s3://releases/app/app-1.3.zip", path: "out/" },
   *   { from: "s3://releases/app/app-1.4.zip", path: "out/" },
   * ]);
   * ```
   */
  downloadFiles(
    items: readonly DownloadFilesItem[],
    options?: DownloadFilesOptions,
  ): Promise<BatchResult<DownloadResult>>;
  /**
   * One object's deltaglider facts: logical and stored key, how it is stored, original and
   * stored size, the ratio, its SHA-256 and reference (the Python SDK's `get_object_info`).
   *
   * @example
   * ```ts
   * const info = await client.getObjectInfo("s3://releases/app/app-1.4.zip");
   * console.log(info.storageType, info.savingsPercent.toFixed(1));
   * ```
   */
  getObjectInfo(location: S3Location, options?: RequestOptions): Promise<ObjectInfoResult>;
  /**
   * The stored files under `prefix` that most resemble `file` (a local path, whose name and
   * size are used, or `{ name, size? }`), best first: an estimate from the name once version
   * numbers are set aside (and how near the versions are), the extension and the size. Useful
   * to choose where a new file belongs, or to spot a duplicate. Nothing is downloaded: the
   * listing, plus one HEAD per delta on the short list for its original size.
   *
   * @example
   * ```ts
   * const [best] = await client.findSimilarFiles("releases", "app/", "dist/app-1.5.zip");
   * console.log(best?.key, best?.similarity.toFixed(2));
   * ```
   */
  findSimilarFiles(
    bucket: string,
    prefix: string,
    file: SimilarFileQuery,
    options?: FindSimilarFilesOptions,
  ): Promise<readonly SimilarFile[]>;
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
  /**
   * Rebuild the bucket's object-facts index (`.deltaglider/facts/`, ADR 0002): drop it, then
   * HEAD every delta and reference once and write one document per folder. Listings and stats
   * then HEAD nothing they find in it. `dryRun` counts only.
   *
   * @example
   * ```ts
   * const { objectsIndexed } = await client.rebuildObjectIndex("releases");
   * ```
   */
  rebuildObjectIndex(
    bucket: string,
    options?: FactsIndexUpkeepOptions,
  ): Promise<FactsIndexUpkeepResult>;
  /** Delete the bucket's object-facts index; uploads and listings fill it again. */
  dropObjectIndex(
    bucket: string,
    options?: FactsIndexUpkeepOptions,
  ): Promise<FactsIndexUpkeepResult>;
  /**
   * Re-encode a folder's deltas against the best set of references (`s3://bucket/folder/`):
   * files the folder's references have drifted away from become references of their own
   * (`<folder>/.dg-refs/<id>/reference.bin`, read by the Python tool too), the others are
   * encoded against the closest one. A dry run unless `apply: true`; crash-safe (a delta is
   * replaced only once its replacement verifies; references go only when nothing names them).
   *
   * @example
   * ```ts
   * const plan = await client.rebase("s3://releases/app/");
   * console.log(plan.storedBytesBefore, "→", plan.storedBytesAfter);
   * await client.rebase("s3://releases/app/", { apply: true });
   * ```
   */
  rebase(folder: S3Location, options?: RebaseOptions): Promise<RebaseResult>;
  /**
   * Delete every object under a folder prefix, as `deltaglider rm -r` does (it calls this):
   * 1,000 keys a request, one request after the other, so each folder's `reference.bin` goes
   * exactly with its last delta; references under the prefix that no delta needs (left by a
   * crash or by another tool) go too. `dir` is taken as `dir/`. `filter` keeps keys out (it
   * gets each key relative to the prefix); `dryRun` lists without deleting. Every key gets its
   * own outcome: failures are in `errors`, the others are deleted all the same.
   *
   * @example
   * ```ts
   * const { deleted, errors } = await client.deleteObjectsRecursive("s3://releases/old/", {
   *   filter: (key) => !key.endsWith(".sig"),
   * });
   * ```
   */
  deleteObjectsRecursive(
    location: S3Location,
    options?: DeleteObjectsRecursiveOptions,
  ): Promise<DeleteObjectsRecursiveResult>;
  /**
   * Empty the local reference cache (the whole cache folder for the filesystem cache, which
   * other processes using it will refill). References are fetched and checked again when next
   * needed. The bucket is not touched (its stats cache renews itself; see `getCachedBucketStats`).
   *
   * @example
   * ```ts
   * await client.clearCache();
   * ```
   */
  clearCache(): Promise<void>;
  /** Projected savings of a plain S3 prefix, measured on samples; writes nothing. */
  estimateCompression(prefix: S3Location, options?: EstimateOptions): Promise<CompressionEstimate>;
  /**
   * Plan a migration of the files under `source` (a folder, plain S3 or deltaglider) into
   * `destination` (a folder): both are listed, `filter` keeps files by their key relative to
   * the source, and files already at the destination with the same SHA-256 are left out (so a
   * stopped migration resumes). Nothing is written. Overlapping prefixes are refused.
   *
   * @example
   * ```ts
   * const plan = await client.planMigration("s3://legacy/releases/", "s3://compact/releases/");
   * console.log(plan.files.length, plan.bytes, plan.skipped);
   * ```
   */
  planMigration(
    source: S3Location,
    destination: S3Location,
    options?: PlanMigrationOptions,
  ): Promise<MigrationPlan>;
  /**
   * Run a migration plan: each file is rebuilt from the source and stored again as a delta
   * where that pays, `concurrency` (default 4) at a time. Returns at once: its typed events
   * (`planned`, `file-started`, `progress`, `file-done` with how the file was stored and why
   * whole, `file-failed`, `paused`, `resumed`, `stopping`, `done`) as an async iterable, the
   * controls `pause()`, `resume()`, `stop()` (running files finish) and `abort()` (running files
   * are cancelled, nothing is left half-written), and `result`. A failed file does not stop
   * the others; an aborted `signal` is `abort()`.
   *
   * @example
   * ```ts
   * const migration = client.migrate(plan, { concurrency: 4 });
   * for await (const event of migration) {
   *   if (event.type === "file-done") console.log(event.file.key, event.storageType, event.directReason ?? "");
   * }
   * const { migrated, failed } = await migration.result;
   * ```
   */
  migrate(plan: MigrationPlan, options?: MigrateOptions): Migration;

  /** Release sockets and the S3 client this client built (not one passed in). */
  destroy(): void;
}
