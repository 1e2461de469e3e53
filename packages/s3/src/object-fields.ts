import type { Tag } from "@aws-sdk/client-s3";
import type { ObjectHeaders, ObjectTags } from "@dg/core";
import { compactHeaders, formatTagging, optionalEntry } from "@dg/core";

/** The standard headers as the AWS SDK's command inputs and outputs name them. */
export interface S3Headers {
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: Date;
}

/**
 * Our headers as AWS SDK command fields (only those set).
 *
 * @example
 * ```ts
 * toS3Headers({ cacheControl: "no-cache" }); // { CacheControl: "no-cache" }
 * ```
 */
export function toS3Headers(headers: ObjectHeaders | undefined): S3Headers {
  const h = compactHeaders(headers) ?? {};
  return {
    ...optionalEntry("CacheControl", h.cacheControl),
    ...optionalEntry("ContentDisposition", h.contentDisposition),
    ...optionalEntry("ContentEncoding", h.contentEncoding),
    ...optionalEntry("ContentLanguage", h.contentLanguage),
    ...optionalEntry("Expires", h.expires),
  };
}

/**
 * The headers of a HEAD or GET response (or a command input); `undefined` when it has none.
 *
 * @example
 * ```ts
 * fromS3Headers({ ContentLanguage: "de", ContentType: "text/plain" }); // { contentLanguage: "de" }
 * ```
 */
export function fromS3Headers(output: {
  readonly CacheControl?: string | undefined;
  readonly ContentDisposition?: string | undefined;
  readonly ContentEncoding?: string | undefined;
  readonly ContentLanguage?: string | undefined;
  readonly Expires?: Date | undefined;
}): ObjectHeaders | undefined {
  // An invalid date is kept, for the caller's validation to refuse (responses never hold one).
  const expires = output.Expires;
  return compactHeaders({
    ...optionalEntry("cacheControl", output.CacheControl),
    ...optionalEntry("contentDisposition", output.ContentDisposition),
    ...optionalEntry("contentEncoding", output.ContentEncoding),
    ...optionalEntry("contentLanguage", output.ContentLanguage),
    ...optionalEntry("expires", expires),
  });
}

/** `{ Tagging }` in S3's URL-encoded form when there are tags, `{}` otherwise. */
export function taggingEntry(tags: ObjectTags | undefined): { Tagging?: string } {
  return tags === undefined || Object.keys(tags).length === 0
    ? {}
    : { Tagging: formatTagging(tags) };
}

export function toTagSet(tags: ObjectTags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromTagSet(tagSet: readonly Tag[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of tagSet ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
  return tags;
}
