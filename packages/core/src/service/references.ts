import { DELTA_SUFFIX, referenceKeyFor } from "../domain/deltaspace.js";
import { setAsideKeyFor } from "../domain/internal-folder.js";
import { readField } from "../domain/metadata.js";
import { hasCode } from "../errors.js";
import type { ByteStream, OperationOptions, RandomAccessSource } from "../ports/index.js";
import type { ServiceContext } from "./context.js";

/** The SHA-256 a reference's metadata names, or `undefined` when there is none. */
export async function referenceShaOf(
  ctx: ServiceContext,
  bucket: string,
  referenceKey: string,
  options: OperationOptions,
): Promise<string | undefined> {
  const info = await ctx.store.headObject(bucket, referenceKey, options);
  return info ? readField(info.metadata, "fileSha256")?.toLowerCase() : undefined;
}

/** Whether a deltaspace still holds any delta (its own level only, not sub-folders). */
export async function deltaspaceHasDeltas(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  options: OperationOptions,
): Promise<boolean> {
  const prefix = deltaspace === "" ? "" : `${deltaspace}/`;
  let token: string | undefined;
  do {
    const page = await ctx.store.listObjects(bucket, {
      ...options,
      prefix,
      delimiter: "/",
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    if (page.objects.some((o) => o.key.endsWith(DELTA_SUFFIX))) return true;
    token = page.nextContinuationToken;
  } while (token !== undefined);
  return false;
}

async function* sourceStream(source: RandomAccessSource): ByteStream {
  const step = 1024 * 1024;
  for (let at = 0; at < source.size; at += step) {
    yield (await source.read(at, Math.min(step, source.size - at))).slice();
  }
}

/** Create-only write of a reference; a concurrent identical write counts as success. */
async function putReferenceIfAbsent(
  ctx: ServiceContext,
  bucket: string,
  referenceKey: string,
  body: ByteStream,
  metadata: Readonly<Record<string, string>>,
  sha256: string,
  size: number,
  options: OperationOptions,
): Promise<boolean> {
  try {
    await ctx.store.putObject(bucket, referenceKey, body, {
      ...options,
      metadata,
      contentLength: size,
      contentType: "application/octet-stream",
      ifNoneMatch: true,
    });
    return true;
  } catch (error) {
    if (!hasCode(error, "CONFLICT")) throw error;
    return (await referenceShaOf(ctx, bucket, referenceKey, options)) === sha256;
  }
}

/**
 * After a delta was written: make sure the reference it was encoded against is still there.
 * A concurrent delete of the folder's last file may have removed it meanwhile; it is put
 * back from the local cache. Returns false when the folder now has a different reference
 * (the delta cannot be decoded and must not stay).
 */
export async function confirmReference(
  ctx: ServiceContext,
  bucket: string,
  referenceKey: string,
  sha256: string,
  metadata: Readonly<Record<string, string>>,
  options: OperationOptions,
): Promise<boolean> {
  const current = await ctx.store.headObject(bucket, referenceKey, options);
  if (current) return readField(current.metadata, "fileSha256")?.toLowerCase() === sha256;
  const cached = await ctx.cache.get(sha256, options);
  if (!cached) return false;
  try {
    ctx.logger.log("warn", "reference was deleted while uploading; putting it back", {
      referenceKey,
    });
    return await putReferenceIfAbsent(
      ctx,
      bucket,
      referenceKey,
      sourceStream(cached),
      metadata,
      sha256,
      cached.size,
      options,
    );
  } finally {
    await cached.close();
  }
}

/**
 * Remove references whose deltaspace holds no delta any more. A reference goes only when no
 * delta needs it; direct files do not keep it. Against an upload that writes a delta at the
 * same moment, the reference is first copied aside, and put back when a delta appeared
 * while it was being deleted (the uploader also checks, see {@link confirmReference}).
 */
export async function removeUnusedReferences(
  ctx: ServiceContext,
  bucket: string,
  deltaspaces: Iterable<string>,
  options: OperationOptions,
): Promise<string[]> {
  const removed: string[] = [];
  for (const deltaspace of deltaspaces) {
    if (await deltaspaceHasDeltas(ctx, bucket, deltaspace, options)) continue;
    const referenceKey = referenceKeyFor(deltaspace);
    const reference = await ctx.store.headObject(bucket, referenceKey, options);
    if (!reference) continue;
    const sha256 = readField(reference.metadata, "fileSha256")?.toLowerCase() ?? "unknown";
    const aside = setAsideKeyFor(sha256);
    await ctx.store.copyObject(bucket, referenceKey, bucket, aside, options);
    try {
      await ctx.store.deleteObject(bucket, referenceKey, options);
      if (await deltaspaceHasDeltas(ctx, bucket, deltaspace, options)) {
        ctx.logger.log("warn", "a delta arrived while its reference was deleted; restoring it", {
          referenceKey,
        });
        const kept = await ctx.store.getObject(bucket, aside, options);
        await putReferenceIfAbsent(
          ctx,
          bucket,
          referenceKey,
          kept.body,
          reference.metadata,
          sha256,
          reference.size,
          options,
        );
        continue;
      }
      removed.push(referenceKey);
    } finally {
      await ctx.store.deleteObject(bucket, aside, options);
    }
  }
  return removed;
}
