import { validateTags } from "../domain/tags.js";
import type { ObjectTags, OperationOptions } from "../ports/index.js";
import type { ServiceContext } from "./context.js";
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
