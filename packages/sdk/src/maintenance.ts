import { hasCode } from "@dg/core";
import { headBucket } from "./buckets.js";
import type { ClientContext } from "./context.js";
import type {
  CachedBucketStats,
  CachedBucketStatsOptions,
  EmptyBucketOptions,
  EmptyBucketResult,
  PurgeOptions,
  PurgeResult,
} from "./simple-types.js";

/** A missing bucket gets the message and hint of `headBucket`; other errors pass as they are. */
async function explainMissingBucket(
  ctx: ClientContext,
  bucket: string,
  signal: AbortSignal | undefined,
  error: unknown,
): Promise<never> {
  if (hasCode(error, "NOT_FOUND")) {
    await headBucket(ctx, { Bucket: bucket }, signal ? { signal } : {});
  }
  throw error;
}

export async function getCachedBucketStats(
  ctx: ClientContext,
  bucket: string,
  options: CachedBucketStatsOptions = {},
): Promise<CachedBucketStats> {
  try {
    return await ctx.maintenance.cachedBucketStats(bucket, options);
  } catch (error) {
    return explainMissingBucket(ctx, bucket, options.signal, error);
  }
}

export function purgeTempFiles(
  ctx: ClientContext,
  bucket: string,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  return ctx.maintenance.purgeTempFiles(bucket, options);
}

export function emptyBucket(
  ctx: ClientContext,
  bucket: string,
  options: EmptyBucketOptions = {},
): Promise<EmptyBucketResult> {
  return ctx.maintenance.emptyBucket(bucket, options);
}
