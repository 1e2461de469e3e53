import { formatS3Uri } from "@dg/sdk/common";
import type {
  DeltaGliderClient,
  ListedObject,
  ListObjectsV2Input,
  ListObjectsV2Output,
} from "@dg/sdk";

export interface ListAllOptions {
  /** Look up original sizes of deltas (one HEAD each, in parallel). */
  readonly originalSizes: boolean;
  readonly signal: AbortSignal;
}

/**
 * Every logical object under `prefix`, in key order, to the end (no 1,000 cap), through the
 * SDK's streaming walk: a bounded window of the listing is held, the next page is read while
 * the current one's deltas are HEADed, and past 25 pages the top level's folders are listed
 * side by side. deltaglider's own `.deltaglider/` objects are left out.
 *
 * @example
 * ```ts
 * for await (const o of listAllObjects(client, "b", "rel/", { originalSizes: true, signal })) {}
 * ```
 */
export function listAllObjects(
  client: DeltaGliderClient,
  bucket: string,
  prefix: string,
  options: ListAllOptions,
): AsyncIterable<ListedObject> {
  return client.listAllObjects(
    {
      Bucket: bucket,
      ...(prefix === "" ? {} : { Prefix: prefix }),
      FetchOriginalSizes: options.originalSizes,
    },
    { signal: options.signal },
  );
}

/**
 * Every page of a listing, following continuation tokens to the end. (The SDK's paginator
 * does the same; this loop keeps the SDK out of the CLI's start-up path.)
 *
 * @example
 * ```ts
 * for await (const page of listPages(client, { Bucket: "b", Delimiter: "/" }, signal)) {}
 * ```
 */
export async function* listPages(
  client: DeltaGliderClient,
  input: ListObjectsV2Input,
  options: { readonly signal: AbortSignal },
): AsyncGenerator<ListObjectsV2Output, void, undefined> {
  let token: string | undefined;
  do {
    const page = await client.listObjectsV2(
      { ...input, ...(token === undefined ? {} : { ContinuationToken: token }) },
      { signal: options.signal },
    );
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** `s3://bucket/key` with the key URL-encoded per segment, as `CopySource` wants it. */
export function copySourceOf(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** `s3://bucket/key`. */
export function s3Text(bucket: string, key: string): string {
  return formatS3Uri(bucket, key);
}
