import type { CachedBucketStats, CachedBucketStatsOptions } from "@dg/core";
import { hasCode, UnsupportedError } from "@dg/core";
import { headBucket } from "./buckets.js";
import { type ClientContext, signalOption } from "./context.js";
import { locationOf } from "./location.js";
import type {
  DeleteObjectsRecursiveOptions,
  DeleteObjectsRecursiveResult,
  S3Location,
} from "./simple-types.js";

/**
 * The stats of `getCachedBucketStats`; a missing bucket gets the message and hint of
 * `headBucket` (the listing that fails first says less).
 */
export async function getCachedBucketStats(
  ctx: ClientContext,
  bucket: string,
  options: CachedBucketStatsOptions = {},
): Promise<CachedBucketStats> {
  try {
    return await ctx.maintenance.cachedBucketStats(bucket, options);
  } catch (error) {
    if (hasCode(error, "NOT_FOUND")) {
      await headBucket(ctx, { Bucket: bucket }, options.signal ? { signal: options.signal } : {});
    }
    throw error;
  }
}

/**
 * `rm -r` of a prefix: the core's recursive delete (each reference goes with its folder's last
 * delta; unused references under the prefix go too), every key with its own outcome.
 */
export async function deleteObjectsRecursive(
  ctx: ClientContext,
  location: S3Location,
  options: DeleteObjectsRecursiveOptions = {},
): Promise<DeleteObjectsRecursiveResult> {
  const { bucket, key } = locationOf(location);
  const { onBatch } = options;
  const result = await ctx.service.deleteRecursive(bucket, key, {
    ...signalOption(options.signal),
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    ...(onBatch === undefined
      ? {}
      : { onBatch: (batch) => onBatch({ deleted: batch.deleted, errors: batch.failed }) }),
  });
  return {
    bucket,
    prefix: result.prefix,
    dryRun: result.dryRun,
    deleted: result.deleted,
    errors: result.failed,
    referencesDeleted: result.referencesDeleted,
  };
}

/**
 * Empty the client's reference cache (every entry of its folder, for the filesystem cache).
 * References are fetched again, and checked, when next needed.
 */
export async function clearCache(ctx: ClientContext): Promise<void> {
  if (ctx.cache.clear === undefined) {
    throw new UnsupportedError("This client's reference cache cannot be cleared", {
      hint: "The cache passed as `cache` has no clear(); clear it where it was made.",
    });
  }
  await ctx.cache.clear();
}
