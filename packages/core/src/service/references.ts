import {
  DELTA_SUFFIX,
  extraReferencesPrefix,
  isExtraReferenceKey,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import { setAsideKeyFor } from "../domain/internal-folder.js";
import { parseTimestamp, readField } from "../domain/metadata.js";
import type { ReferenceCandidate } from "../domain/reference-choice.js";
import { parseSketch } from "../domain/sketch.js";
import { hasCode } from "../errors.js";
import type { ByteStream, ObjectInfo, OperationOptions } from "../ports/index.js";
import { sourceStream } from "../util/delta-target.js";
import { listStoredPages } from "../maintenance/context.js";
import { mapLimit, type ServiceContext } from "./context.js";

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

/** The keys of a deltaspace's deltas (its own level only, not sub-folders). */
export async function folderDeltaKeys(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  options: OperationOptions,
): Promise<string[]> {
  const prefix = deltaspace === "" ? "" : `${deltaspace}/`;
  const keys: string[] = [];
  const level = { delimiter: "/" };
  for await (const page of listStoredPages(ctx.store, bucket, prefix, options.signal, level)) {
    for (const object of page) if (object.key.endsWith(DELTA_SUFFIX)) keys.push(object.key);
  }
  return keys;
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

/** One reference of a deltaspace, as read from its metadata. */
export interface FolderReference extends ReferenceCandidate {
  readonly size: number;
  /** Its metadata, to write it back the same if a concurrent delete removes it. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * When an object was written: its `dg-created-at`, else (absent or garbled: it only orders
 * objects) the store's date.
 */
export function createdAtOf(info: ObjectInfo): Date {
  const created = readField(info.metadata, "createdAt");
  if (created === undefined) return info.lastModified;
  try {
    return parseTimestamp(created);
  } catch {
    return info.lastModified;
  }
}

/** A reference's HEAD as a {@link FolderReference}; `undefined` without a SHA-256. */
export function folderReferenceOf(info: ObjectInfo): FolderReference | undefined {
  const sha256 = readField(info.metadata, "fileSha256")?.toLowerCase();
  if (sha256 === undefined) return undefined;
  const createdAt = createdAtOf(info);
  const sketch = parseSketch(readField(info.metadata, "sketch"));
  return {
    key: info.key,
    sha256,
    createdAt,
    size: info.size,
    metadata: info.metadata,
    ...(sketch === undefined ? {} : { sketch }),
  };
}

/** The keys of a deltaspace's extra references (`<deltaspace>/.dg-refs/<id>/reference.bin`). */
export async function extraReferenceKeys(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  options: OperationOptions,
): Promise<string[]> {
  const keys: string[] = [];
  const prefix = extraReferencesPrefix(deltaspace);
  for await (const page of listStoredPages(ctx.store, bucket, prefix, options.signal)) {
    for (const object of page) if (isExtraReferenceKey(object.key)) keys.push(object.key);
  }
  return keys;
}

/**
 * Every reference of a deltaspace: its `reference.bin` (`primary`, already HEADed by the
 * caller) and its extra references, each HEADed once for its SHA-256, date and sketch.
 */
export async function folderReferences(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  primary: ObjectInfo,
  options: OperationOptions,
): Promise<FolderReference[]> {
  const extras = await extraReferenceKeys(ctx, bucket, deltaspace, options);
  const heads = await mapLimit(extras, ctx.metadataConcurrency, (key) =>
    ctx.store.headObject(bucket, key, options),
  );
  const references: FolderReference[] = [];
  for (const info of [primary, ...heads]) {
    const reference = info ? folderReferenceOf(info) : undefined;
    if (reference) references.push(reference);
  }
  return references;
}

/**
 * How many deltas of a deltaspace (its own level) point at each reference key, by their
 * `dg-ref-key` (a delta without one counts for the folder's `reference.bin`). One HEAD per
 * delta, in parallel.
 */
export async function referenceUsage(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  options: OperationOptions,
): Promise<Map<string, number>> {
  const deltas = await folderDeltaKeys(ctx, bucket, deltaspace, options);
  const primary = referenceKeyFor(deltaspace);
  const usage = new Map<string, number>();
  await mapLimit(deltas, ctx.metadataConcurrency, async (key) => {
    const info = await ctx.store.headObject(bucket, key, options);
    if (!info) return;
    const referenceKey = readField(info.metadata, "refKey") ?? primary;
    usage.set(referenceKey, (usage.get(referenceKey) ?? 0) + 1);
  });
  return usage;
}

/** Create-only write of a reference; a concurrent identical write counts as success. */
export async function putReferenceIfAbsent(
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
 * Remove references no delta needs any more. A deltaspace's `reference.bin` goes once the
 * deltaspace holds no delta (direct files do not keep it); an extra reference goes once no
 * delta's `dg-ref-key` names it. Against an upload that writes a delta at the same moment, a
 * reference is first copied aside, and put back when a delta needing it appeared while it was
 * being deleted (the uploader also checks, see {@link confirmReference}).
 */
export async function removeUnusedReferences(
  ctx: ServiceContext,
  bucket: string,
  deltaspaces: Iterable<string>,
  options: OperationOptions,
): Promise<string[]> {
  const removed: string[] = [];
  for (const deltaspace of deltaspaces) {
    const extras = await extraReferenceKeys(ctx, bucket, deltaspace, options);
    if (extras.length > 0) {
      const usage = await referenceUsage(ctx, bucket, deltaspace, options);
      for (const key of extras) {
        if ((usage.get(key) ?? 0) > 0) continue;
        const needed = async () =>
          ((await referenceUsage(ctx, bucket, deltaspace, options)).get(key) ?? 0) > 0;
        if (await removeReference(ctx, bucket, key, needed, options)) removed.push(key);
      }
    }
    if (await deltaspaceHasDeltas(ctx, bucket, deltaspace, options)) continue;
    const referenceKey = referenceKeyFor(deltaspace);
    const needed = () => deltaspaceHasDeltas(ctx, bucket, deltaspace, options);
    if (await removeReference(ctx, bucket, referenceKey, needed, options)) {
      removed.push(referenceKey);
    }
  }
  return removed;
}

/**
 * Delete one reference, set aside meanwhile; put back when `needed` says a delta appeared.
 * True when it is gone (false: absent, or put back).
 */
export async function removeReference(
  ctx: ServiceContext,
  bucket: string,
  referenceKey: string,
  needed: () => Promise<boolean>,
  options: OperationOptions,
): Promise<boolean> {
  const reference = await ctx.store.headObject(bucket, referenceKey, options);
  if (!reference) return false;
  const sha256 = readField(reference.metadata, "fileSha256")?.toLowerCase() ?? "unknown";
  const aside = setAsideKeyFor(sha256);
  await ctx.store.copyObject(bucket, referenceKey, bucket, aside, options);
  try {
    await ctx.store.deleteObject(bucket, referenceKey, options);
    if (await needed()) {
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
      return false;
    }
    return true;
  } finally {
    await ctx.store.deleteObject(bucket, aside, options);
  }
}
