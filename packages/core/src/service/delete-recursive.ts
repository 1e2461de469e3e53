import {
  DELTA_SUFFIX,
  deltaspaceOf,
  isExtraReferenceKey,
  isReferenceKey,
  owningDeltaspaceOf,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import { INTERNAL_PREFIX } from "../domain/internal-folder.js";
import { asFolderPrefix } from "../domain/s3-uri.js";
import { hasCode, throwIfAborted } from "../errors.js";
import type { OperationOptions } from "../ports/index.js";
import type { ServiceContext } from "./context.js";
import { deleteObjects } from "./delete.js";
import { listAll } from "./list.js";
import { removeUnusedReferences } from "./references.js";
import type { DeleteRecursiveOptions, DeleteRecursiveResult, KeyFailure } from "./types.js";

const BATCH = 1000;

/**
 * Delete every logical object under a folder prefix (`rm -r`): the listing is taken first,
 * then deleted 1,000 keys a request, one request after the other, so each folder's
 * `reference.bin` goes exactly with its last delta. Then references under the prefix that no
 * delta needs (orphans left by a crash or by another tool) are removed too, with the same
 * set-aside protocol as a delete, so nothing under the prefix is left that only a reference
 * holds. Every key has its own outcome; only an aborted signal throws.
 */
export async function deleteRecursive(
  ctx: ServiceContext,
  bucket: string,
  prefix: string,
  options: DeleteRecursiveOptions = {},
): Promise<DeleteRecursiveResult> {
  const folder = asFolderPrefix(prefix);
  const opOptions: OperationOptions = options.signal ? { signal: options.signal } : {};
  const keys: string[] = [];
  for await (const object of listAll(ctx, bucket, {
    ...opOptions,
    ...(folder === "" ? {} : { prefix: folder }),
    originalSizes: false,
  })) {
    if (options.filter === undefined || options.filter(object.key.slice(folder.length))) {
      keys.push(object.key);
    }
  }
  if (options.dryRun) {
    return { prefix: folder, dryRun: true, deleted: keys, failed: [], referencesDeleted: [] };
  }
  const deleted: string[] = [];
  const failed: KeyFailure[] = [];
  const referencesDeleted: string[] = [];
  for (let at = 0; at < keys.length; at += BATCH) {
    throwIfAborted(options.signal);
    const batch = keys.slice(at, at + BATCH);
    const result = await deleteObjects(ctx, bucket, batch, opOptions);
    const failedKeys = new Set(result.failed.map((f) => f.key));
    const gone = batch.filter((key) => !failedKeys.has(key));
    deleted.push(...gone);
    failed.push(...result.failed);
    referencesDeleted.push(...result.deletedKeys.filter((key) => isReferenceKey(key)));
    options.onBatch?.({ deleted: gone, failed: result.failed });
  }
  const orphans = await removeOrphanedReferences(ctx, bucket, folder, opOptions);
  referencesDeleted.push(...orphans.removed);
  failed.push(...orphans.failed);
  if (orphans.failed.length > 0) options.onBatch?.({ deleted: [], failed: orphans.failed });
  return { prefix: folder, dryRun: false, deleted, failed, referencesDeleted };
}

/**
 * Remove the references under `folder` whose deltaspace holds no delta. One raw listing of the
 * prefix shows every deltaspace under it whole (a folder prefix holds all of each such
 * deltaspace), so only the folders it shows without deltas are checked again and cleaned.
 */
async function removeOrphanedReferences(
  ctx: ServiceContext,
  bucket: string,
  folder: string,
  options: OperationOptions,
): Promise<{ readonly removed: readonly string[]; readonly failed: readonly KeyFailure[] }> {
  const withReference = new Set<string>();
  const withExtraReferences = new Set<string>();
  const withDeltas = new Set<string>();
  let token: string | undefined;
  do {
    const page = await ctx.store.listObjects(bucket, {
      ...options,
      ...(folder === "" ? {} : { prefix: folder }),
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    for (const object of page.objects) {
      if (object.key.startsWith(INTERNAL_PREFIX)) continue;
      if (isReferenceKey(object.key)) {
        // An extra reference (`<folder>/.dg-refs/<id>/reference.bin`) belongs to its folder.
        const owner = owningDeltaspaceOf(object.key);
        withReference.add(owner);
        if (isExtraReferenceKey(object.key)) withExtraReferences.add(owner);
      } else if (object.key.endsWith(DELTA_SUFFIX)) withDeltas.add(deltaspaceOf(object.key));
    }
    token = page.nextContinuationToken;
  } while (token !== undefined);
  const removed: string[] = [];
  const failed: KeyFailure[] = [];
  for (const deltaspace of withReference) {
    // A folder with deltas left keeps its reference.bin; its extra references are checked
    // one by one (the deltas kept out by a filter may need some).
    if (withDeltas.has(deltaspace) && !withExtraReferences.has(deltaspace)) continue;
    try {
      const gone = await removeUnusedReferences(ctx, bucket, [deltaspace], options);
      removed.push(...gone);
      // A folder whose reference went holds no delta: its object facts go with it.
      if (ctx.factsIndex !== false && gone.includes(referenceKeyFor(deltaspace))) {
        await ctx.factsIndex.dropFolder(bucket, deltaspace, options);
      }
    } catch (error) {
      if (options.signal?.aborted || hasCode(error, "CANCELLED")) throw error;
      failed.push({
        key: referenceKeyFor(deltaspace),
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }
  return { removed, failed };
}
