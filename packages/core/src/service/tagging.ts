import { validateTags } from "../domain/tags.js";
import type { ObjectTags, OperationOptions } from "../ports/index.js";
import { hasCode } from "../errors.js";
import type { ServiceContext } from "./context.js";
import type { LogicalObjectInfo } from "./types.js";
import { resolve } from "./read.js";

/** The tags of a logical object (read from the stored object that holds it). */
export async function getTagging(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options?: OperationOptions,
): Promise<ObjectTags> {
  const { stored } = await resolve(ctx, bucket, key, options);
  return ctx.store.getObjectTagging(bucket, stored.key, options);
}

/** Replace the tags of a logical object; validated as S3 does before anything is sent. */
export async function putTagging(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  tags: ObjectTags,
  options?: OperationOptions,
): Promise<void> {
  validateTags(tags);
  const { stored } = await resolve(ctx, bucket, key, options);
  await ctx.store.putObjectTagging(bucket, stored.key, tags, options);
}

/** Remove every tag of a logical object. */
export async function deleteTagging(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options?: OperationOptions,
): Promise<void> {
  const { stored } = await resolve(ctx, bucket, key, options);
  await ctx.store.deleteObjectTagging(bucket, stored.key, options);
}

/**
 * The tags a copy (or a rebase) keeps. Asked for only when the source reports some (S3 sends
 * `x-amz-tagging-count` only then), so copying an untagged object needs no
 * `s3:GetObjectTagging`. A store without tagging, or credentials that may not read tags, give
 * a copy without them (logged), as the object's bytes and metadata matter more.
 */
export async function sourceTags(
  ctx: ServiceContext,
  bucket: string,
  info: LogicalObjectInfo,
  options: OperationOptions,
): Promise<ObjectTags | undefined> {
  if ((info.tagCount ?? 0) === 0) return undefined;
  try {
    return await ctx.store.getObjectTagging(bucket, info.storedKey, options);
  } catch (error) {
    if (!hasCode(error, "UNSUPPORTED") && !hasCode(error, "PERMISSION_DENIED")) throw error;
    ctx.logger.log("warn", "cannot read the source's tags; copying without them", {
      bucket,
      key: info.storedKey,
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}
