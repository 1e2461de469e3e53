import {
  DELTA_SUFFIX,
  isExtraReferenceKey,
  isExtraReferencesPrefix,
  isReferenceKey,
  logicalKeyOf,
} from "../domain/deltaspace.js";
import { INTERNAL_PREFIX } from "../domain/internal-folder.js";
import { classifyStoredObject, readField } from "../domain/metadata.js";
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
  const originalSizes = options.originalSizes ?? true;
  // With metadata lookups, a `.delta` or `reference.bin` key that carries no deltaglider
  // metadata is someone else's object and is listed under its own name, as it is.
  const described = await mapLimit(
    page.objects.filter((o) => !o.key.startsWith(INTERNAL_PREFIX) && !isExtraReferenceKey(o.key)),
    ctx.metadataConcurrency,
    async (o): Promise<LogicalListedObject | undefined> => {
      const named = isReferenceKey(o.key) || o.key.endsWith(DELTA_SUFFIX);
      const head =
        named && originalSizes ? await ctx.store.headObject(bucket, o.key, opOptions) : undefined;
      const kind = head ? classifyStoredObject(o.key, head.metadata) : undefined;
      if (kind === "reference" || (isReferenceKey(o.key) && !originalSizes)) return undefined;
      const isDelta = o.key.endsWith(DELTA_SUFFIX) && (kind === undefined || kind === "delta");
      const original = isDelta && head ? readField(head.metadata, "fileSize") : undefined;
      return {
        key: isDelta ? logicalKeyOf(o.key) : o.key,
        storedKey: o.key,
        size: original !== undefined && /^\d+$/.test(original) ? Number(original) : o.size,
        storedSize: o.size,
        lastModified: o.lastModified,
        ...(o.etag === undefined ? {} : { etag: o.etag }),
        isDelta,
      };
    },
  );
  const objects = described.filter(
    (o): o is LogicalListedObject =>
      o !== undefined &&
      (options.startAfter === undefined || compareKeys(o.key, options.startAfter) > 0),
  );
  return {
    objects,
    commonPrefixes: page.commonPrefixes.filter(
      (p) => !p.startsWith(INTERNAL_PREFIX) && !isExtraReferencesPrefix(p),
    ),
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
