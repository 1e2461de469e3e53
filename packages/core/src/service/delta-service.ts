import { headersEntry, optionalEntry } from "../domain/object-headers.js";
import type { ObjectTags, OperationOptions, ReplayableBody } from "../ports/index.js";
import { contextFrom } from "./context.js";
import { deleteObject, deleteObjects } from "./delete.js";
import { deleteRecursive } from "./delete-recursive.js";
import { rehydrate } from "./rehydrate.js";
import { listAll, listAllPages, listObjects } from "./list.js";
import { putObject } from "./put.js";
import { getObject, getResolved, headObject, resolve } from "./read.js";
import { spool } from "./streams.js";
import { deleteTagging, getTagging, putTagging, sourceTags } from "./tagging.js";
import type {
  CopyOptions,
  DeleteManyResult,
  DeleteRecursiveOptions,
  DeleteRecursiveResult,
  DeleteResult,
  DeltaServiceOptions,
  GetOptions,
  GetResult,
  ListAllOptions,
  ListOptions,
  ListResult,
  LogicalListedObject,
  LogicalObjectInfo,
  PutOptions,
  PutResult,
  RebaseOptions,
  RebaseResult,
  RehydrateOptions,
  RehydrateResult,
} from "./types.js";
import { rebaseDeltaspace } from "./rebase.js";

/** The delta-storage operations, on logical keys. */
export interface DeltaService {
  put(bucket: string, key: string, body: ReplayableBody, options?: PutOptions): Promise<PutResult>;
  get(bucket: string, key: string, options?: GetOptions): Promise<GetResult>;
  head(bucket: string, key: string, options?: OperationOptions): Promise<LogicalObjectInfo>;
  list(bucket: string, options?: ListOptions): Promise<ListResult>;
  /**
   * Every logical object under a prefix, in key order, holding a bounded window (pages read
   * ahead, folders walked side by side with `folderConcurrency`).
   */
  listAll(bucket: string, options?: ListAllOptions): AsyncIterable<LogicalListedObject>;
  /** {@link listAll} in runs of up to a page (one turn of async iteration per page). */
  listAllPages(
    bucket: string,
    options?: ListAllOptions,
  ): AsyncIterable<readonly LogicalListedObject[]>;
  delete(bucket: string, key: string, options?: OperationOptions): Promise<DeleteResult>;
  /**
   * Delete every logical object under a folder prefix, as `rm -r`: each reference goes with
   * its folder's last delta, and references under the prefix that nothing needs go too.
   */
  deleteRecursive(
    bucket: string,
    prefix: string,
    options?: DeleteRecursiveOptions,
  ): Promise<DeleteRecursiveResult>;
  /**
   * Make a logical object readable by a plain GET: a delta is rebuilt into
   * `.deltaglider/tmp/` with a `dg-expires-at` (a live copy of the same version is reused);
   * an object stored as it is needs nothing.
   */
  rehydrate(bucket: string, key: string, options: RehydrateOptions): Promise<RehydrateResult>;
  deleteMany(
    bucket: string,
    keys: readonly string[],
    options?: OperationOptions,
  ): Promise<DeleteManyResult>;
  /**
   * Copy a logical object: the file is rebuilt (and verified) and stored again at the
   * destination, as a delta against the destination's reference where that pays. Metadata,
   * content type, headers and tags are kept unless the options give new ones.
   */
  copy(
    sourceBucket: string,
    sourceKey: string,
    destinationBucket: string,
    destinationKey: string,
    options?: CopyOptions,
  ): Promise<PutResult>;
  /** The tags of a logical object. */
  getTagging(bucket: string, key: string, options?: OperationOptions): Promise<ObjectTags>;
  /** Replace the tags of a logical object (validated: at most 10, keys ≤ 128, values ≤ 256). */
  putTagging(
    bucket: string,
    key: string,
    tags: ObjectTags,
    options?: OperationOptions,
  ): Promise<void>;
  /** Remove every tag of a logical object. */
  deleteTagging(bucket: string, key: string, options?: OperationOptions): Promise<void>;
  /**
   * Re-encode a folder's deltas against the best set of references (`prefix` ends with `/`;
   * `""` is the bucket root). A dry run unless `options.apply`.
   */
  rebase(bucket: string, prefix: string, options?: RebaseOptions): Promise<RebaseResult>;
}

/**
 * Create the delta service over a store, a codec, a reference cache and scratch space.
 *
 * @example
 * ```ts
 * import { createDeltaService } from "@dg/core";
 * import { createMemoryObjectStore, createPrefixCodec, createSimpleMemoryReferenceCache,
 *   createMemoryScratchSpace, createSha256Hasher } from "@dg/core/memory";
 * const service = createDeltaService({ store: createMemoryObjectStore({ buckets: ["b"] }),
 *   codec: createPrefixCodec(), cache: createSimpleMemoryReferenceCache(),
 *   scratch: createMemoryScratchSpace(), hasher: createSha256Hasher(), toolVersion: "0.1.0" });
 * ```
 */
export function createDeltaService(options: DeltaServiceOptions): DeltaService {
  const ctx = contextFrom(options);
  return {
    put: (bucket, key, body, opts) => putObject(ctx, bucket, key, body, opts),
    get: (bucket, key, opts) => getObject(ctx, bucket, key, opts),
    head: (bucket, key, opts) => headObject(ctx, bucket, key, opts),
    list: (bucket, opts) => listObjects(ctx, bucket, opts),
    listAll: (bucket, opts) => listAll(ctx, bucket, opts),
    listAllPages: (bucket, opts) => listAllPages(ctx, bucket, opts),
    delete: (bucket, key, opts) => deleteObject(ctx, bucket, key, opts),
    deleteMany: (bucket, keys, opts) => deleteObjects(ctx, bucket, keys, opts),
    deleteRecursive: (bucket, prefix, opts) => deleteRecursive(ctx, bucket, prefix, opts),
    rehydrate: (bucket, key, opts) => rehydrate(ctx, bucket, key, opts),
    async copy(sourceBucket, sourceKey, destinationBucket, destinationKey, opts = {}) {
      const opOptions = opts.signal ? { signal: opts.signal } : {};
      // Tags first: a failure here must not leave the source's body open.
      const resolved = await resolve(ctx, sourceBucket, sourceKey, opOptions);
      const tags = opts.tags ?? (await sourceTags(ctx, sourceBucket, resolved.info, opOptions));
      const source = await getResolved(ctx, sourceBucket, resolved, opOptions);
      const { info } = source;
      const blob = await spool(ctx.scratch, source.body, opOptions);
      try {
        return await putObject(ctx, destinationBucket, destinationKey, blob, {
          ...opts,
          metadata: opts.metadata ?? info.metadata,
          ...optionalEntry("contentType", opts.contentType ?? info.contentType),
          ...headersEntry(opts.headers ?? info.headers),
          ...optionalEntry("tags", tags),
        });
      } finally {
        await blob.dispose();
      }
    },
    getTagging: (bucket, key, opts) => getTagging(ctx, bucket, key, opts),
    putTagging: (bucket, key, tags, opts) => putTagging(ctx, bucket, key, tags, opts),
    deleteTagging: (bucket, key, opts) => deleteTagging(ctx, bucket, key, opts),
    rebase: (bucket, prefix, opts) => rebaseDeltaspace(ctx, bucket, prefix, opts),
  };
}
