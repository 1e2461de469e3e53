import type { DeltaGliderClient } from "./client-interface.js";
import type { ListObjectsV2Input, ListObjectsV2Output, RequestOptions } from "./object-types.js";

/** The paginator's client argument: the client, or the AWS SDK's `{ client, pageSize }` shape. */
export type PaginatorConfig =
  | DeltaGliderClient
  | { readonly client: DeltaGliderClient; readonly pageSize?: number };

/**
 * Every page of a listing, following continuation tokens until the end.
 *
 * @example
 * ```ts
 * for await (const page of paginateListObjectsV2(client, { Bucket: "b", Prefix: "app/" })) {
 *   for (const o of page.Contents) console.log(o.Key, o.Size);
 * }
 * ```
 */
export async function* paginateListObjectsV2(
  config: PaginatorConfig,
  input: ListObjectsV2Input,
  options: RequestOptions = {},
): AsyncGenerator<ListObjectsV2Output, void, undefined> {
  const client = "client" in config ? config.client : config;
  const pageSize = "client" in config ? config.pageSize : undefined;
  let token = input.ContinuationToken;
  do {
    const page = await client.listObjectsV2(
      {
        ...input,
        ...(pageSize === undefined ? {} : { MaxKeys: pageSize }),
        ...(token === undefined ? {} : { ContinuationToken: token }),
      },
      options,
    );
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
