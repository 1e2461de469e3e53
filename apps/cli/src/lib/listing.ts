import { formatS3Uri, INTERNAL_PREFIX } from "@dg/core";
import { type DeltaGliderClient, type ListedObject, paginateListObjectsV2 } from "@dg/sdk";

export interface ListAllOptions {
  /** Look up original sizes of deltas (one HEAD each, in parallel). */
  readonly originalSizes: boolean;
  readonly signal: AbortSignal;
}

/**
 * Every logical object under `prefix`, following continuation tokens to the end (no 1,000
 * cap). deltaglider's own `.deltaglider/` objects are left out.
 *
 * @example
 * ```ts
 * for await (const o of listAllObjects(client, "b", "rel/", { originalSizes: true, signal })) {}
 * ```
 */
export async function* listAllObjects(
  client: DeltaGliderClient,
  bucket: string,
  prefix: string,
  options: ListAllOptions,
): AsyncGenerator<ListedObject, void, undefined> {
  const pages = paginateListObjectsV2(
    client,
    {
      Bucket: bucket,
      ...(prefix === "" ? {} : { Prefix: prefix }),
      FetchOriginalSizes: options.originalSizes,
    },
    { signal: options.signal },
  );
  for await (const page of pages) {
    for (const object of page.Contents) {
      if (!object.Key.startsWith(INTERNAL_PREFIX)) yield object;
    }
  }
}

/** `s3://bucket/key` with the key URL-encoded per segment, as `CopySource` wants it. */
export function copySourceOf(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** `s3://bucket/key`. */
export function s3Text(bucket: string, key: string): string {
  return formatS3Uri(bucket, key);
}
