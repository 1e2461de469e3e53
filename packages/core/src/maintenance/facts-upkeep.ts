import { DELTA_SUFFIX, isReferenceKey } from "../domain/deltaspace.js";
import { FACTS_PREFIX, INTERNAL_PREFIX } from "../domain/internal-folder.js";
import { createFactsIndex, factsOfHead } from "../service/facts-index.js";
import { createBoundedPool, readAhead } from "../util/pipeline.js";
import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import type { FactsIndexUpkeepOptions, FactsIndexUpkeepResult } from "./types.js";

/**
 * Delete the whole object-facts index of a bucket (`.deltaglider/facts/`): listings then HEAD
 * until uploads and listings fill it again. With `dryRun`, only count its documents.
 */
export async function dropFactsIndex(
  ctx: MaintenanceContext,
  bucket: string,
  options: FactsIndexUpkeepOptions = {},
): Promise<FactsIndexUpkeepResult> {
  const opOptions = signalOption(options.signal);
  let documents = 0;
  const failed: string[] = [];
  for await (const page of listStoredPages(ctx.store, bucket, FACTS_PREFIX, options.signal)) {
    documents += page.length;
    if (options.dryRun || page.length === 0) continue;
    const result = await ctx.store.deleteObjects(
      bucket,
      page.map((o) => o.key),
      opOptions,
    );
    failed.push(...result.errors.map((e) => e.key));
  }
  return { documentsDeleted: documents - failed.length, objectsIndexed: 0, failed };
}

/**
 * Rebuild the object-facts index of a bucket from the objects themselves: drop it, then HEAD
 * every delta and reference (at most `metadataConcurrency` at once, page by page) and write
 * one document per folder. With `dryRun`, only count what would be dropped and indexed.
 */
export async function rebuildFactsIndex(
  ctx: MaintenanceContext,
  bucket: string,
  options: FactsIndexUpkeepOptions = {},
): Promise<FactsIndexUpkeepResult> {
  const dropped = await dropFactsIndex(ctx, bucket, options);
  const opOptions = signalOption(options.signal);
  const index = createFactsIndex({
    store: ctx.store,
    hasher: ctx.hasher,
    logger: ctx.logger,
    clock: ctx.clock,
    writerId: `rebuilt-${ctx.clock.now().getTime()}`,
  });
  let indexed = 0;
  const pool = createBoundedPool(ctx.metadataConcurrency);
  for await (const page of readAhead(listStoredPages(ctx.store, bucket, "", options.signal))) {
    for (const object of page) {
      if (object.key.startsWith(INTERNAL_PREFIX)) continue;
      if (!object.key.endsWith(DELTA_SUFFIX) && !isReferenceKey(object.key)) continue;
      indexed += 1;
      if (options.dryRun) continue;
      await pool.submit(async () => {
        const head = await ctx.store.headObject(bucket, object.key, opOptions);
        const facts = head ? factsOfHead(head) : undefined;
        if (facts) index.record(bucket, facts);
      });
    }
    await pool.drain();
    if (!options.dryRun) await index.flush(opOptions);
  }
  return { ...dropped, objectsIndexed: indexed };
}
