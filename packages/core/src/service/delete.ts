import { DELTA_SUFFIX, deltaKeyFor, deltaspaceOf, isReferenceKey } from "../domain/deltaspace.js";
import { classifyStoredObject } from "../domain/metadata.js";
import { formatS3Uri } from "../domain/s3-uri.js";
import { InvalidArgumentError, NotFoundError } from "../errors.js";
import type { OperationOptions } from "../ports/index.js";
import { mapLimit, type ServiceContext } from "./context.js";
import { removeUnusedReferences } from "./references.js";
import type { DeleteResult } from "./types.js";

/**
 * Delete logical objects (each stored as a delta or directly), then the references no delta
 * needs any more. Keys that do not exist are reported in `missing`, not thrown.
 */
export async function deleteObjects(
  ctx: ServiceContext,
  bucket: string,
  keys: readonly string[],
  options: OperationOptions = {},
): Promise<DeleteResult & { readonly missing: readonly string[] }> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  const toDelete: string[] = [];
  const missing: string[] = [];
  const touched = new Set<string>();
  const found = await mapLimit(keys, ctx.metadataConcurrency, async (key) => {
    const candidates = key.endsWith(DELTA_SUFFIX) ? [key] : [key, deltaKeyFor(key)];
    const present: string[] = [];
    for (const candidate of candidates) {
      const info = await ctx.store.headObject(bucket, candidate, opOptions);
      if (!info) continue;
      if (
        isReferenceKey(candidate) &&
        classifyStoredObject(candidate, info.metadata) === "reference"
      ) {
        throw new InvalidArgumentError(
          `References are removed with their last delta: ${formatS3Uri(bucket, key)}`,
          { hint: "Delete the files of the folder; its reference.bin goes with the last one." },
        );
      }
      present.push(candidate);
    }
    return { key, present };
  });
  for (const { key, present } of found) {
    if (present.length === 0) missing.push(key);
    for (const candidate of present) {
      toDelete.push(candidate);
      if (candidate.endsWith(DELTA_SUFFIX)) touched.add(deltaspaceOf(candidate));
    }
  }
  const result = await ctx.store.deleteObjects(bucket, toDelete, opOptions);
  const firstError = result.errors[0];
  if (firstError) throw firstError.error;
  const references = await removeUnusedReferences(ctx, bucket, touched, opOptions);
  return {
    deletedKeys: [...result.deleted, ...references],
    referenceDeleted: references.length > 0,
    missing,
  };
}

/** Delete one logical object; `NotFoundError` when there is none. */
export async function deleteObject(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options: OperationOptions = {},
): Promise<DeleteResult> {
  const result = await deleteObjects(ctx, bucket, [key], options);
  if (result.missing.length > 0) {
    throw new NotFoundError(`Object not found: ${formatS3Uri(bucket, key)}`);
  }
  return { deletedKeys: result.deletedKeys, referenceDeleted: result.referenceDeleted };
}
