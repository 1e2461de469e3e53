import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import type { EmptyBucketOptions, EmptyBucketResult } from "./types.js";

const BATCH = 1000;

/**
 * Delete every object of a bucket. Logical deletes come first, 1,000 keys a request, so that
 * each reference goes with its deltaspace's last delta as in `rm -r`; then every stored object
 * no logical delete reaches (the `.deltaglider/` folder, orphaned references) is deleted raw.
 * A logical delete that fails is retried by the raw pass; a raw delete that fails throws.
 */
export async function emptyBucket(
  ctx: MaintenanceContext,
  bucket: string,
  options: EmptyBucketOptions = {},
): Promise<EmptyBucketResult> {
  const { signal } = options;
  const opOptions = signalOption(signal);
  const keys: string[] = [];
  for await (const object of ctx.service.listAll(bucket, {
    ...opOptions,
    originalSizes: false,
  })) {
    keys.push(object.key);
  }
  for (let at = 0; at < keys.length; at += BATCH) {
    const batch = keys.slice(at, at + BATCH);
    await ctx.service.deleteMany(bucket, batch, opOptions);
    options.onDeleted?.(batch);
  }
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
  return { deleted: keys, leftovers };
}
