import { deltaKeyFor, DELTA_SUFFIX, isReferenceKey, logicalKeyOf } from "../domain/deltaspace.js";
import {
  classifyStoredObject,
  parseDeltaMetadata,
  parseDirectMetadata,
  userMetadataOf,
} from "../domain/metadata.js";
import { headersEntry, optionalEntry } from "../domain/object-headers.js";
import { directReasonOfObject } from "../domain/policy.js";
import { formatS3Uri } from "../domain/s3-uri.js";
import { hasCode, InvalidArgumentError, NotFoundError } from "../errors.js";
import type {
  ByteStream,
  DeltaDecodeOptions,
  ObjectInfo,
  OperationOptions,
} from "../ports/index.js";
import { loadReference, type ServiceContext } from "./context.js";
import { forgetCorruptReference, watchReference } from "./reference-retry.js";
import { sliceStream, verifiedStream } from "./streams.js";
import type { GetOptions, GetResult, LogicalObjectInfo } from "./types.js";

/** A logical key resolved to the stored object that holds it. */
export interface Resolved {
  readonly info: LogicalObjectInfo;
  readonly stored: ObjectInfo;
}

/**
 * Find the stored object of a logical key: the key itself when it exists (a direct or
 * foreign object, or a `.delta` key asked for by its stored name), else `<key>.delta`.
 */
export async function resolve(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options?: OperationOptions,
): Promise<Resolved> {
  if (key === "" || key.endsWith("/")) {
    throw new InvalidArgumentError(`Not an object key: ${formatS3Uri(bucket, key)}`, {
      hint: "Name an object, or use --recursive for a folder.",
    });
  }
  let stored = await ctx.store.headObject(bucket, key, options);
  // A deltaspace's reference is not a user object; a foreign `reference.bin` is.
  if (stored && isReferenceKey(key) && classifyStoredObject(key, stored.metadata) === "reference") {
    stored = undefined;
  }
  if (!stored && !key.endsWith(DELTA_SUFFIX)) {
    stored = await ctx.store.headObject(bucket, deltaKeyFor(key), options);
  }
  if (!stored) {
    // S3 answers a HEAD in a missing bucket with a bare 404: ask about the bucket before
    // blaming the key.
    if (!(await bucketSurelyExists(ctx, bucket, options))) {
      throw new NotFoundError(`Bucket not found: ${bucket}`, {
        hint: "Check the bucket name and the endpoint; `deltaglider ls` lists the buckets.",
      });
    }
    throw new NotFoundError(`Object not found: ${formatS3Uri(bucket, key)}`, {
      hint: "Check the key; `deltaglider ls` lists what the folder holds.",
    });
  }
  return { stored, info: describe(bucket, stored, ctx.deltaExtensions) };
}

/** False only when the store says the bucket does not exist (an error leaves it open). */
async function bucketSurelyExists(
  ctx: ServiceContext,
  bucket: string,
  options: OperationOptions | undefined,
): Promise<boolean> {
  try {
    return await ctx.store.headBucket(bucket, options);
  } catch (error) {
    if (hasCode(error, "CANCELLED")) throw error;
    return true;
  }
}

function describe(
  bucket: string,
  stored: ObjectInfo,
  extensions: readonly string[],
): LogicalObjectInfo {
  const where = formatS3Uri(bucket, stored.key);
  const kind = classifyStoredObject(stored.key, stored.metadata);
  const base = {
    bucket,
    storedKey: stored.key,
    storedSize: stored.size,
    lastModified: stored.lastModified,
    ...(stored.etag === undefined ? {} : { etag: stored.etag }),
    ...optionalEntry("contentType", stored.contentType),
    metadata: userMetadataOf(stored.metadata),
    ...headersEntry(stored.headers),
    ...optionalEntry("tagCount", stored.tagCount),
  };
  if (kind === "delta") {
    const meta = parseDeltaMetadata(where, stored.metadata);
    return {
      ...base,
      key: logicalKeyOf(stored.key),
      kind: "delta",
      size: meta.fileSize,
      sha256: meta.fileSha256,
      referenceKey: meta.refKey,
    };
  }
  if (kind === "direct") {
    const meta = parseDirectMetadata(where, stored.metadata);
    const directReason = directReasonOfObject(stored.key, stored.metadata, stored.size, extensions);
    return {
      ...base,
      key: stored.key,
      kind: "direct",
      size: stored.size,
      sha256: meta.fileSha256,
      ...optionalEntry("directReason", directReason),
    };
  }
  return { ...base, key: stored.key, kind: "foreign", size: stored.size };
}

/** What a logical object is, without reading its body. */
export async function headObject(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options?: OperationOptions,
): Promise<LogicalObjectInfo> {
  return (await resolve(ctx, bucket, key, options)).info;
}

/**
 * Read a logical object: deltas are rebuilt against their reference, and everything with a
 * stored SHA-256 is verified as it streams.
 */
export async function getObject(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options: GetOptions = {},
): Promise<GetResult> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  return getResolved(ctx, bucket, await resolve(ctx, bucket, key, opOptions), options);
}

/** {@link getObject} of a key already resolved (no second HEAD). */
export async function getResolved(
  ctx: ServiceContext,
  bucket: string,
  { info, stored }: Resolved,
  options: GetOptions = {},
): Promise<GetResult> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  const what = formatS3Uri(bucket, info.key);

  if (info.kind !== "delta") {
    // A range of a direct object cannot be verified; S3 does not verify ranges either.
    if (options.range || info.sha256 === undefined) {
      const got = await ctx.store.getObject(bucket, stored.key, {
        ...opOptions,
        ...(options.range ? { range: options.range } : {}),
      });
      return { info, body: got.body };
    }
    const got = await ctx.store.getObject(bucket, stored.key, opOptions);
    return {
      info,
      body: verifiedStream(
        ctx.hasher,
        got.body,
        { sha256: info.sha256, size: info.size, what },
        opOptions,
      ),
    };
  }

  const meta = parseDeltaMetadata(formatS3Uri(bucket, stored.key), stored.metadata);
  // Fetch (or find) the reference now, so that a missing or replaced reference fails the
  // call itself; the body opens its own handles only when it is read, so an unread body
  // holds nothing open.
  await (await loadReference(ctx, bucket, meta.refKey, meta.refSha256, opOptions)).close();
  // When a read of the cached reference fails its integrity check mid-decode, the entry is
  // dropped, the reference fetched again, and the decode starts over once, skipping what was
  // already handed on (the same bytes: only verified pieces of the reference were used).
  let notByteIdentical = false;
  const decodeOptions: DeltaDecodeOptions = {
    ...opOptions,
    ...(options.recoverExternalCompression === true
      ? {
          recoverExternalCompression: true,
          onNotByteIdentical: (message: string) => {
            if (notByteIdentical) return;
            notByteIdentical = true;
            options.onNotByteIdentical?.(message);
          },
        }
      : {}),
  };
  async function* decoded(): ByteStream {
    let handedOn = 0;
    for (let attempt = 1; ; attempt += 1) {
      const watched = watchReference(
        await loadReference(ctx, bucket, meta.refKey, meta.refSha256, opOptions),
      );
      try {
        const delta = (await ctx.store.getObject(bucket, stored.key, opOptions)).body;
        let skip = handedOn;
        for await (const chunk of ctx.codec.decode(watched.source, delta, decodeOptions)) {
          if (skip >= chunk.length) {
            skip -= chunk.length;
            continue;
          }
          const fresh = skip > 0 ? chunk.subarray(skip) : chunk;
          skip = 0;
          handedOn += fresh.length;
          yield fresh;
        }
        return;
      } catch (error) {
        if (attempt > 1 || !watched.corrupt()) throw error;
        await forgetCorruptReference(ctx, meta.refSha256);
      } finally {
        await watched.source.close();
      }
    }
  }
  function rebuilt(): ByteStream {
    return verifiedStream(
      ctx.hasher,
      decoded(),
      // A content-equal rebuild cannot have the original's SHA-256 (the window checksums of
      // the decompressed content were checked instead).
      { sha256: meta.fileSha256, size: meta.fileSize, what, waived: () => notByteIdentical },
      opOptions,
    );
  }
  const body = options.range ? sliceStream(rebuilt(), options.range) : rebuilt();
  return { info, body };
}
