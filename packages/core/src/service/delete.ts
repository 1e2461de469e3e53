import {
  DELTA_SUFFIX,
  deltaKeyFor,
  deltaspaceOf,
  isReferenceKey,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import { formatS3Uri } from "../domain/s3-uri.js";
import { InvalidArgumentError, NotFoundError } from "../errors.js";
import type { OperationOptions } from "../ports/index.js";
import type { ServiceContext } from "./context.js";
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
  for (const key of keys) {
    if (isReferenceKey(key)) {
      throw new InvalidArgumentError(
        `References are removed with their last delta: ${formatS3Uri(bucket, key)}`,
        {
          hint: "Delete the files of the folder; its reference.bin goes with the last one.",
        },
      );
    }
    const candidates = key.endsWith(DELTA_SUFFIX) ? [key] : [key, deltaKeyFor(key)];
    let found = false;
    for (const candidate of candidates) {
      if (await ctx.store.headObject(bucket, candidate, opOptions)) {
        toDelete.push(candidate);
        found = true;
        if (candidate.endsWith(DELTA_SUFFIX)) touched.add(deltaspaceOf(candidate));
      }
    }
    if (!found) missing.push(key);
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
