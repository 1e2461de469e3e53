import type { ByteStream, OperationOptions } from "./common.js";
import type { StoreCapabilities } from "./store-capabilities.js";

/**
 * The standard HTTP headers S3 keeps with an object and returns on HEAD and GET (besides
 * `Content-Type`, which has its own field). `expires` travels as an HTTP date: whole seconds.
 */
export interface ObjectHeaders {
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  readonly contentLanguage?: string;
  readonly expires?: Date;
}

/** An object's tag set, key to value (S3: at most 10, keys ≤ 128 and values ≤ 256 characters). */
export type ObjectTags = Readonly<Record<string, string>>;

/** What a HEAD, a GET or a listing says about a stored object. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  /** The store's entity tag, with its quotes as S3 sends it. */
  readonly etag?: string;
  readonly contentType?: string;
  /** User metadata, keys lower-cased, without the `x-amz-meta-` prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The standard headers stored with the object; omitted when it has none. */
  readonly headers?: ObjectHeaders;
  /** How many tags the object has; omitted when it has none (as S3's `x-amz-tagging-count`). */
  readonly tagCount?: number;
}

/** One entry of a listing. Listings carry no user metadata (S3 does not return it). */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly etag?: string;
}

export interface ListObjectsOptions extends OperationOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly continuationToken?: string;
  readonly startAfter?: string;
  /** At most 1,000 (S3's own limit); default 1,000. */
  readonly maxKeys?: number;
}

export interface ListObjectsPage {
  /** In S3 order: ascending UTF-8 byte order of the keys. */
  readonly objects: readonly ListedObject[];
  readonly commonPrefixes: readonly string[];
  /** Present when there is more to list; pass it back as `continuationToken`. */
  readonly nextContinuationToken?: string;
}

/** An inclusive byte range, as HTTP `Range: bytes=start-end`. `end` omitted: to the end. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

export interface GetObjectOptions extends OperationOptions {
  readonly range?: ByteRange;
}

export interface GetObjectResult {
  readonly info: ObjectInfo;
  /** The body; for a ranged get only the range. Errors (reset, truncation) surface while iterating. */
  readonly body: ByteStream;
}

export interface PutObjectOptions extends OperationOptions {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly headers?: ObjectHeaders;
  /** Tags of the new object (already validated by the caller). */
  readonly tags?: ObjectTags;
  /** Size of the body when known: lets a store pick single-part or multipart upload. */
  readonly contentLength?: number;
  /**
   * Create-only write (`If-None-Match: *`): fail with `ConflictError` when the key exists.
   * Atomic: of two racing create-only writes exactly one succeeds.
   */
  readonly ifNoneMatch?: boolean;
}

export interface PutObjectResult {
  readonly etag?: string;
}

export interface CopyObjectOptions extends OperationOptions {
  /** Replace the metadata (S3 `MetadataDirective: REPLACE`); omitted: copy it. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Replace the content type; omitted: copy it. */
  readonly contentType?: string;
  /** Replace all the standard headers with these; omitted: copy them. */
  readonly headers?: ObjectHeaders;
  /** Replace the tags (S3 `TaggingDirective: REPLACE`); omitted: copy them. */
  readonly tags?: ObjectTags;
}

export interface DeleteObjectsResult {
  readonly deleted: readonly string[];
  readonly errors: readonly { readonly key: string; readonly error: Error }[];
}

export interface BucketInfo {
  readonly name: string;
  readonly creationDate?: Date;
}

/**
 * The object store port: S3, a local directory, or memory. Missing objects and buckets are
 * `NotFoundError`; a lost create-only race is `ConflictError`; every other failure is mapped
 * to the error family in the adapter.
 */
export interface ObjectStore {
  /** Short description for messages, e.g. `s3 http://127.0.0.1:5000` or `dir /data`. */
  readonly description: string;
  /** What the store supports beyond this port (ACLs, presigned URLs); omitted: nothing. */
  readonly capabilities?: StoreCapabilities;

  /** Metadata of an object, or `undefined` when there is none under that key. */
  headObject(
    bucket: string,
    key: string,
    options?: OperationOptions,
  ): Promise<ObjectInfo | undefined>;
  getObject(bucket: string, key: string, options?: GetObjectOptions): Promise<GetObjectResult>;
  putObject(
    bucket: string,
    key: string,
    body: ByteStream | Uint8Array,
    options?: PutObjectOptions,
  ): Promise<PutObjectResult>;
  listObjects(bucket: string, options?: ListObjectsOptions): Promise<ListObjectsPage>;
  /** Deleting a key that does not exist succeeds, as in S3. */
  deleteObject(bucket: string, key: string, options?: OperationOptions): Promise<void>;
  /** Deletes in groups of at most 1,000; per-key failures are reported, not thrown. */
  deleteObjects(
    bucket: string,
    keys: readonly string[],
    options?: OperationOptions,
  ): Promise<DeleteObjectsResult>;
  copyObject(
    sourceBucket: string,
    sourceKey: string,
    destinationBucket: string,
    destinationKey: string,
    options?: CopyObjectOptions,
  ): Promise<PutObjectResult>;

  /** The tag set of an object; `NotFoundError` when there is no such object. */
  getObjectTagging(bucket: string, key: string, options?: OperationOptions): Promise<ObjectTags>;
  /** Replace the tag set of an object (body, metadata and ETag stay as they are). */
  putObjectTagging(
    bucket: string,
    key: string,
    tags: ObjectTags,
    options?: OperationOptions,
  ): Promise<void>;
  /** Remove every tag of an object. */
  deleteObjectTagging(bucket: string, key: string, options?: OperationOptions): Promise<void>;

  createBucket(bucket: string, options?: OperationOptions): Promise<void>;
  /** Fails with `ConflictError` when the bucket is not empty. */
  deleteBucket(bucket: string, options?: OperationOptions): Promise<void>;
  listBuckets(options?: OperationOptions): Promise<readonly BucketInfo[]>;
  /** Whether the bucket exists (and can be reached with these credentials). */
  headBucket(bucket: string, options?: OperationOptions): Promise<boolean>;
}
