import { compactHeaders, headersEntry, optionalEntry } from "../domain/object-headers.js";
import { tagCountOf } from "../domain/tags.js";
import { ConflictError, NotFoundError, throwIfAborted } from "../errors.js";
import type { ByteStream, OperationOptions } from "../ports/common.js";
import type {
  BucketInfo,
  CopyObjectOptions,
  DeleteObjectsResult,
  GetObjectOptions,
  GetObjectResult,
  ListedObject,
  ListObjectsOptions,
  ListObjectsPage,
  ObjectHeaders,
  ObjectInfo,
  ObjectStore,
  ObjectTags,
  PutObjectOptions,
  PutObjectResult,
} from "../ports/object-store.js";
import { collectBytes, compareKeys, isBytes, streamOf } from "../util/bytes.js";

interface StoredObject {
  readonly bytes: Uint8Array;
  readonly metadata: Record<string, string>;
  readonly contentType: string | undefined;
  readonly headers: ObjectHeaders | undefined;
  tags: ObjectTags;
  readonly lastModified: Date;
  readonly etag: string;
}

interface Bucket {
  readonly created: Date;
  readonly objects: Map<string, StoredObject>;
}

export interface MemoryObjectStoreOptions {
  /** Buckets that exist from the start. */
  readonly buckets?: readonly string[];
  readonly now?: () => Date;
}

/**
 * An `ObjectStore` held in memory, for tests and examples. Faithful to S3 where it matters to
 * deltaglider: UTF-8 key order, delimiter listing, pagination, create-only writes.
 *
 * @example
 * ```ts
 * const store = createMemoryObjectStore({ buckets: ["b"] });
 * await store.putObject("b", "k", new TextEncoder().encode("hi"));
 * ```
 */
export function createMemoryObjectStore(options: MemoryObjectStoreOptions = {}): ObjectStore {
  const now = options.now ?? (() => new Date());
  const buckets = new Map<string, Bucket>();
  let etagCounter = 0;
  for (const name of options.buckets ?? [])
    buckets.set(name, { created: now(), objects: new Map() });

  function bucketOf(name: string): Bucket {
    const bucket = buckets.get(name);
    if (!bucket) {
      throw new NotFoundError(`Bucket not found: ${name}`, {
        hint: "Check the bucket name, or create it first.",
      });
    }
    return bucket;
  }

  function infoOf(key: string, object: StoredObject): ObjectInfo {
    return {
      key,
      size: object.bytes.length,
      lastModified: object.lastModified,
      etag: object.etag,
      ...optionalEntry("contentType", object.contentType),
      metadata: { ...object.metadata },
      ...headersEntry(object.headers),
      ...optionalEntry("tagCount", tagCountOf(object.tags)),
    };
  }

  function objectOf(bucket: string, key: string): StoredObject {
    const object = bucketOf(bucket).objects.get(key);
    if (!object) throw new NotFoundError(`Object not found: s3://${bucket}/${key}`);
    return object;
  }

  function lowerKeys(
    metadata: Readonly<Record<string, string>> | undefined,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata ?? {})) out[k.toLowerCase()] = v;
    return out;
  }

  const store: ObjectStore = {
    description: "memory",

    async headObject(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      const object = bucketOf(bucket).objects.get(key);
      return object ? infoOf(key, object) : undefined;
    },

    async getObject(bucket, key, opts?: GetObjectOptions): Promise<GetObjectResult> {
      throwIfAborted(opts?.signal);
      const object = objectOf(bucket, key);
      let bytes = object.bytes;
      if (opts?.range) {
        const end = Math.min(bytes.length - 1, opts.range.end ?? bytes.length - 1);
        bytes = bytes.subarray(opts.range.start, end + 1);
      }
      return { info: infoOf(key, object), body: streamOf(bytes) };
    },

    async putObject(bucket, key, body, opts?: PutObjectOptions): Promise<PutObjectResult> {
      throwIfAborted(opts?.signal);
      const target = bucketOf(bucket);
      // Collect first, then check and write in one synchronous step: that is what makes
      // create-only writes atomic here.
      const bytes = isBytes(body) ? body.slice() : await collectBytes(body as ByteStream);
      throwIfAborted(opts?.signal);
      if (opts?.ifNoneMatch && target.objects.has(key)) {
        throw new ConflictError(`Object already exists: s3://${bucket}/${key}`);
      }
      etagCounter += 1;
      const etag = `"mem-${etagCounter}"`;
      target.objects.set(key, {
        bytes,
        metadata: lowerKeys(opts?.metadata),
        contentType: opts?.contentType,
        headers: compactHeaders(opts?.headers),
        tags: { ...opts?.tags },
        lastModified: now(),
        etag,
      });
      return { etag };
    },

    async listObjects(bucket, opts: ListObjectsOptions = {}): Promise<ListObjectsPage> {
      throwIfAborted(opts.signal);
      const prefix = opts.prefix ?? "";
      const maxKeys = Math.max(1, Math.min(1000, opts.maxKeys ?? 1000));
      const keys = [...bucketOf(bucket).objects.keys()]
        .filter((k) => k.startsWith(prefix))
        .sort(compareKeys);
      let after = opts.startAfter ?? "";
      if (opts.continuationToken) after = decodeToken(opts.continuationToken);
      const objects: ListedObject[] = [];
      const commonPrefixes: string[] = [];
      let last: string | undefined;
      let truncated = false;
      for (const key of keys) {
        if (after && compareKeys(key, after) <= 0) continue;
        let entryKey = key;
        let isPrefix = false;
        if (opts.delimiter) {
          const at = key.indexOf(opts.delimiter, prefix.length);
          if (at >= 0) {
            entryKey = key.slice(0, at + opts.delimiter.length);
            isPrefix = true;
            if (entryKey === last) continue;
            if (after && compareKeys(entryKey, after) <= 0) continue;
          }
        }
        if (objects.length + commonPrefixes.length >= maxKeys) {
          truncated = true;
          break;
        }
        if (isPrefix) {
          commonPrefixes.push(entryKey);
        } else {
          const object = bucketOf(bucket).objects.get(key) as StoredObject;
          objects.push({
            key,
            size: object.bytes.length,
            lastModified: object.lastModified,
            etag: object.etag,
          });
        }
        last = entryKey;
      }
      return {
        objects,
        commonPrefixes,
        ...(truncated && last !== undefined ? { nextContinuationToken: encodeToken(last) } : {}),
      };
    },

    async deleteObject(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      bucketOf(bucket).objects.delete(key);
    },

    async deleteObjects(bucket, keys, opts?: OperationOptions): Promise<DeleteObjectsResult> {
      throwIfAborted(opts?.signal);
      const target = bucketOf(bucket);
      for (const key of keys) target.objects.delete(key);
      return { deleted: [...keys], errors: [] };
    },

    async copyObject(sb, sk, db, dk, opts?: CopyObjectOptions): Promise<PutObjectResult> {
      throwIfAborted(opts?.signal);
      const object = objectOf(sb, sk);
      return store.putObject(db, dk, object.bytes, {
        metadata: opts?.metadata ?? object.metadata,
        ...optionalEntry("contentType", opts?.contentType ?? object.contentType),
        ...headersEntry(opts?.headers ?? object.headers),
        tags: opts?.tags ?? object.tags,
      });
    },

    async getObjectTagging(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      return { ...objectOf(bucket, key).tags };
    },

    async putObjectTagging(bucket, key, tags, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      objectOf(bucket, key).tags = { ...tags };
    },

    async deleteObjectTagging(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      objectOf(bucket, key).tags = {};
    },

    async createBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      if (buckets.has(bucket)) throw new ConflictError(`Bucket already exists: ${bucket}`);
      buckets.set(bucket, { created: now(), objects: new Map() });
    },

    async deleteBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      if (bucketOf(bucket).objects.size > 0) {
        throw new ConflictError(`Bucket not empty: ${bucket}`, {
          hint: "Remove its objects first (rm -r), then the bucket.",
        });
      }
      buckets.delete(bucket);
    },

    async listBuckets(opts?: OperationOptions): Promise<readonly BucketInfo[]> {
      throwIfAborted(opts?.signal);
      return [...buckets.entries()]
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([name, b]) => ({ name, creationDate: b.created }));
    },

    async headBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      return buckets.has(bucket);
    },
  };
  return store;
}

function encodeToken(key: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(key)));
}

function decodeToken(token: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(token), (c) => c.charCodeAt(0)));
}
