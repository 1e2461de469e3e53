import type { CachedBucketStats, CachedBucketStatsOptions } from "@dg/core";
import { hasCode } from "@dg/core";
import { headBucket } from "./buckets.js";
import type { ClientContext } from "./context.js";

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
