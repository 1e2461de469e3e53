import {
  DELTA_SUFFIX,
  INTERNAL_PREFIX,
  isInternalKey,
  logicalKeyOf,
} from "../domain/deltaspace.js";
import { readField } from "../domain/metadata.js";
import { compareKeys } from "../util/bytes.js";
import { mapLimit, type ServiceContext } from "./context.js";
import type { ListOptions, ListResult, LogicalListedObject } from "./types.js";

/**
 * One page of the logical view of a bucket: references and `.deltaglider/` objects hidden,
 * `x.delta` shown as `x` with its original size. Pages follow the store's pagination, so a
 * page may hold fewer than `maxKeys` entries once internal keys are dropped.
 */
export async function listObjects(
  ctx: ServiceContext,
  bucket: string,
  options: ListOptions = {},
): Promise<ListResult> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  const page = await ctx.store.listObjects(bucket, {
    ...opOptions,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.continuationToken === undefined
      ? {}
      : { continuationToken: options.continuationToken }),
    ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
    ...(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys }),
  });
  const visible = page.objects.filter(
    (o) =>
      !isInternalKey(o.key) &&
      (options.startAfter === undefined ||
        compareKeys(logicalKeyOf(o.key), options.startAfter) > 0),
  );
  const originalSizes = options.originalSizes ?? true;
  const objects = await mapLimit(
    visible,
    ctx.metadataConcurrency,
    async (o): Promise<LogicalListedObject> => {
      const isDelta = o.key.endsWith(DELTA_SUFFIX);
      let size = o.size;
      if (isDelta && originalSizes) {
        const head = await ctx.store.headObject(bucket, o.key, opOptions);
        const original = head ? readField(head.metadata, "fileSize") : undefined;
        if (original !== undefined && /^\d+$/.test(original)) size = Number(original);
      }
      return {
        key: logicalKeyOf(o.key),
        storedKey: o.key,
        size,
        storedSize: o.size,
        lastModified: o.lastModified,
        ...(o.etag === undefined ? {} : { etag: o.etag }),
        isDelta,
      };
    },
  );
  return {
    objects,
    commonPrefixes: page.commonPrefixes.filter((p) => !p.startsWith(INTERNAL_PREFIX)),
    ...(page.nextContinuationToken === undefined
      ? {}
      : { nextContinuationToken: page.nextContinuationToken }),
  };
}

/** Every page of a listing, one after the other. */
export async function* listAll(
  ctx: ServiceContext,
  bucket: string,
  options: Omit<ListOptions, "continuationToken"> = {},
): AsyncIterable<LogicalListedObject> {
  let token: string | undefined;
  do {
    const page = await listObjects(ctx, bucket, {
      ...options,
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    yield* page.objects;
    token = page.nextContinuationToken;
  } while (token !== undefined);
}
