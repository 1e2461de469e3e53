import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import type { EmptyBucketOptions, EmptyBucketResult } from "./types.js";

/**
 * Delete every object of a bucket. The logical delete of the whole bucket comes first (the
 * delta service's recursive delete, as `rm -r`), so each reference goes with its deltaspace's
 * last delta; then every stored object no logical delete reaches (the `.deltaglider/` folder,
 * orphaned references) is deleted raw. A logical delete that fails is retried by the raw pass;
 * a raw delete that fails throws.
 */
export async function emptyBucket(
  ctx: MaintenanceContext,
  bucket: string,
  options: EmptyBucketOptions = {},
): Promise<EmptyBucketResult> {
  const { signal } = options;
  const opOptions = signalOption(signal);
  const { deleted } = await ctx.service.deleteRecursive(bucket, "", {
    ...opOptions,
    ...(options.onDeleted === undefined
      ? {}
      : { onBatch: (batch) => options.onDeleted?.(batch.deleted) }),
  });
  let leftovers = 0;
  for await (const page of listStoredPages(ctx.store, bucket, "", signal)) {
    if (page.length === 0) continue;
    const result = await ctx.store.deleteObjects(
      bucket,
      page.map((object) => object.key),
      opOptions,
    );
    const first = result.errors[0];
    if (first) throw first.error;
    leftovers += page.length;
  }
  return { deleted, leftovers };
}
