import {
  DELTA_SUFFIX,
  deltaKeyFor,
  deltaspaceOf,
  isReferenceKey,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import { classifyStoredObject } from "../domain/metadata.js";
import { formatS3Uri } from "../domain/s3-uri.js";
import { hasCode, InternalError, InvalidArgumentError, NotFoundError } from "../errors.js";
import type { OperationOptions } from "../ports/index.js";
import { mapLimit, type ServiceContext } from "./context.js";
import { removeUnusedReferences } from "./references.js";
import type { DeleteManyResult, DeleteResult, KeyFailure } from "./types.js";

function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new InternalError(`Delete failed: ${String(error)}`, { cause: error });
}

/** Cancellation stops the whole batch; every other failure belongs to one key. */
function rethrowCancellation(error: unknown, options: OperationOptions): void {
  if (options.signal?.aborted || hasCode(error, "CANCELLED")) throw error;
}

/**
 * Delete logical objects (each stored as a delta or directly), then the references no delta
 * needs any more. Every key gets its own outcome: keys that do not exist are reported in
 * `missing`, keys that could not be deleted in `failed` (the others are deleted all the same),
 * and only an aborted signal throws. A reference goes only once its deltaspace holds no delta,
 * so a delta whose delete failed keeps its reference.
 */
export async function deleteObjects(
  ctx: ServiceContext,
  bucket: string,
  keys: readonly string[],
  options: OperationOptions = {},
): Promise<DeleteManyResult> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  const missing: string[] = [];
  const failures = new Map<string, Error>();
  const fail = (key: string, error: unknown) => {
    if (!failures.has(key)) failures.set(key, asError(error));
  };
  const found = await mapLimit(keys, ctx.metadataConcurrency, async (key) => {
    const candidates = key.endsWith(DELTA_SUFFIX) ? [key] : [key, deltaKeyFor(key)];
    const present: string[] = [];
    try {
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
    } catch (error) {
      rethrowCancellation(error, opOptions);
      fail(key, error);
      return { key, present: [] };
    }
    return { key, present };
  });
  // Which logical key each stored key belongs to (a key and its `.delta` twin share one).
  const ownerOf = new Map<string, string>();
  for (const { key, present } of found) {
    if (present.length === 0 && !failures.has(key)) missing.push(key);
    for (const candidate of present) ownerOf.set(candidate, key);
  }
  const toDelete = [...ownerOf.keys()];
  let deleted: readonly string[] = [];
  try {
    const result = await ctx.store.deleteObjects(bucket, toDelete, opOptions);
    deleted = result.deleted;
    for (const { key, error } of result.errors) fail(ownerOf.get(key) ?? key, error);
  } catch (error) {
    // The request as a whole failed: no key is known to be gone.
    rethrowCancellation(error, opOptions);
    for (const key of toDelete) fail(ownerOf.get(key) ?? key, error);
  }
  const touched = new Set<string>();
  for (const key of deleted) if (key.endsWith(DELTA_SUFFIX)) touched.add(deltaspaceOf(key));
  const references: string[] = [];
  for (const deltaspace of touched) {
    try {
      references.push(...(await removeUnusedReferences(ctx, bucket, [deltaspace], opOptions)));
    } catch (error) {
      // A reference left behind costs space, never data; report it under its own key.
      rethrowCancellation(error, opOptions);
      const referenceKey = referenceKeyFor(deltaspace);
      ctx.logger.log("warn", "could not remove an unused reference", { referenceKey });
      fail(referenceKey, error);
    }
  }
  if (ctx.factsIndex !== false && deleted.length + references.length > 0) {
    ctx.factsIndex.forget(bucket, [...deleted, ...references]);
    // A folder whose reference went holds no delta: its facts go with it.
    for (const deltaspace of touched) {
      if (references.includes(referenceKeyFor(deltaspace))) {
        await ctx.factsIndex.dropFolder(bucket, deltaspace, opOptions);
      }
    }
    await ctx.factsIndex.flush(opOptions);
  }
  return {
    deletedKeys: [...deleted, ...references],
    referenceDeleted: references.length > 0,
    missing,
    failed: [...failures].map(([key, error]): KeyFailure => ({ key, error })),
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
  const failure = result.failed.find((f) => f.key === key);
  if (failure) throw failure.error;
  if (result.missing.length > 0) {
    throw new NotFoundError(`Object not found: ${formatS3Uri(bucket, key)}`);
  }
  return { deletedKeys: result.deletedKeys, referenceDeleted: result.referenceDeleted };
}
