import type { ObjectTags } from "@dg/core";
import { InvalidArgumentError } from "@dg/core";
import { type ClientContext, signalOption } from "./context.js";
import type {
  DeleteObjectTaggingInput,
  DeleteObjectTaggingOutput,
  GetObjectTaggingInput,
  GetObjectTaggingOutput,
  PutObjectTaggingInput,
  PutObjectTaggingOutput,
  RequestOptions,
  Tag,
} from "./object-types.js";

/** A `TagSet` as a tag map; a key given twice is an `InvalidArgumentError`, as in S3. */
export function tagsOfTagSet(tagSet: readonly Tag[]): ObjectTags {
  const tags: Record<string, string> = {};
  for (const tag of tagSet) {
    if (Object.hasOwn(tags, tag.Key)) {
      throw new InvalidArgumentError(`Duplicate tag key: ${tag.Key}`, {
        hint: "Each tag key may appear once in a TagSet.",
      });
    }
    tags[tag.Key] = tag.Value;
  }
  return tags;
}

export function tagSetOf(tags: ObjectTags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export async function getObjectTagging(
  ctx: ClientContext,
  input: GetObjectTaggingInput,
  options: RequestOptions = {},
): Promise<GetObjectTaggingOutput> {
  const tags = await ctx.service.getTagging(input.Bucket, input.Key, signalOption(options.signal));
  return { TagSet: tagSetOf(tags) };
}

export async function putObjectTagging(
  ctx: ClientContext,
  input: PutObjectTaggingInput,
  options: RequestOptions = {},
): Promise<PutObjectTaggingOutput> {
  const tags = tagsOfTagSet(input.Tagging.TagSet);
  await ctx.service.putTagging(input.Bucket, input.Key, tags, signalOption(options.signal));
  return {};
}

export async function deleteObjectTagging(
  ctx: ClientContext,
  input: DeleteObjectTaggingInput,
  options: RequestOptions = {},
): Promise<DeleteObjectTaggingOutput> {
  await ctx.service.deleteTagging(input.Bucket, input.Key, signalOption(options.signal));
  return {};
}
