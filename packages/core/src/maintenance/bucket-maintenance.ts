import { maintenanceContext } from "./context.js";
import { describeDeltaspace } from "./deltaspace.js";
import { emptyBucket } from "./empty-bucket.js";
import { dropFactsIndex, rebuildFactsIndex } from "./facts-upkeep.js";
import { purgeTempFiles } from "./purge.js";
import { bucketStats } from "./stats.js";
import { cachedBucketStats } from "./stats-cache.js";
import type { BucketMaintenance, BucketMaintenanceOptions } from "./types.js";

/**
 * Create the bucket upkeep service: stats (cached in the bucket or not), a close look at one
 * deltaspace, the purge of the
 * `.deltaglider/` folder, and emptying a bucket. It shares the store of a delta service and
 * uses that service's logical listing and deletes.
 *
 * @example
 * ```ts
 * import { createBucketMaintenance, createDeltaService } from "@dg/core";
 * const service = createDeltaService({ store, codec, cache, scratch, hasher, toolVersion: "1.0.0" });
 * const maintenance = createBucketMaintenance({ store, hasher, service });
 * const { deleted } = await maintenance.purgeTempFiles("releases");
 * ```
 */
export function createBucketMaintenance(options: BucketMaintenanceOptions): BucketMaintenance {
  const ctx = maintenanceContext(options);
  return {
    bucketStats: (bucket, opts) => bucketStats(ctx, bucket, opts),
    cachedBucketStats: (bucket, opts) => cachedBucketStats(ctx, bucket, opts),
    describeDeltaspace: (bucket, deltaspace, opts) =>
      describeDeltaspace(ctx, bucket, deltaspace, opts),
    purgeTempFiles: (bucket, opts) => purgeTempFiles(ctx, bucket, opts),
    emptyBucket: (bucket, opts) => emptyBucket(ctx, bucket, opts),
    dropFactsIndex: (bucket, opts) => dropFactsIndex(ctx, bucket, opts),
    rebuildFactsIndex: (bucket, opts) => rebuildFactsIndex(ctx, bucket, opts),
  };
}
