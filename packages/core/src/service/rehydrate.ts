import { baseName } from "../domain/deltaspace.js";
import { tempKeyFor } from "../domain/internal-folder.js";
import { formatTimestamp } from "../domain/metadata.js";
import { readRehydratedCopy, rehydratedMetadata } from "../domain/rehydrated.js";
import { formatS3Uri } from "../domain/s3-uri.js";
import { InvalidArgumentError } from "../errors.js";
import type { ObjectInfo } from "../ports/index.js";
import type { ServiceContext } from "./context.js";
import { getResolved, resolve } from "./read.js";
import type { RehydrateOptions, RehydrateResult } from "./types.js";

/**
 * A copy whose life ends sooner than this is not reused (it is rebuilt): another machine's
 * purge, with its clock a little ahead, could delete it while a link still points at it.
 */
export const REHYDRATION_REUSE_MARGIN_MS = 60_000;

/** Hex digits of the version digest in a copy's name, as many as the Python tool's UUIDs have. */
const ID_LENGTH = 32;

/**
 * Make a delta-stored object readable by a plain GET: rebuild it (verified) into
 * `.deltaglider/tmp/<id>_<name>` with a `dg-expires-at` of now + `expiresIn`, the Python tool's
 * layout, so either tool's purge removes it once expired. `id` comes from the stored key and
 * the file's SHA-256: a second call for the same version finds the copy, and reuses it while
 * it lives (pushing its expiry out to the new one when that is later, with a metadata-only
 * copy onto itself) instead of rebuilding. Objects stored as they are (direct, foreign) need no
 * copy and are returned as `stored`.
 */
export async function rehydrate(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  options: RehydrateOptions,
): Promise<RehydrateResult> {
  const { expiresIn } = options;
  if (!Number.isInteger(expiresIn) || expiresIn < 1) {
    throw new InvalidArgumentError(`Invalid expiry: ${expiresIn} seconds`, {
      hint: "Give a whole number of seconds, at least 1.",
    });
  }
  const opOptions = options.signal ? { signal: options.signal } : {};
  const resolved = await resolve(ctx, bucket, key, opOptions);
  const { info } = resolved;
  if (info.kind !== "delta" || info.sha256 === undefined) return { kind: "stored", info };

  const id = versionId(ctx, info.storedKey, info.sha256);
  const tempKey = tempKeyFor(id, baseName(info.key));
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + expiresIn * 1000);

  const existing = await ctx.store.headObject(bucket, tempKey, opOptions);
  const copy = existing ? readRehydratedCopy(existing.metadata) : undefined;
  const sameVersion =
    existing !== undefined &&
    copy?.originalKey === info.storedKey &&
    copy.sha256 === info.sha256 &&
    copy.size === info.size &&
    existing.size === info.size;
  const livesUntil = copy?.expiresAt?.getTime();
  if (
    sameVersion &&
    livesUntil !== undefined &&
    livesUntil - now.getTime() >= REHYDRATION_REUSE_MARGIN_MS
  ) {
    if (livesUntil >= expiresAt.getTime()) {
      return { kind: "rehydrated", info, tempKey, expiresAt: new Date(livesUntil), reused: true };
    }
    await extendCopy(ctx, bucket, existing, expiresAt, opOptions);
    return { kind: "rehydrated", info, tempKey, expiresAt, reused: true };
  }

  const { body } = await getResolved(ctx, bucket, resolved, opOptions);
  // The body is verified as it streams: a rebuild that fails its SHA-256 check fails the upload.
  await ctx.store.putObject(bucket, tempKey, body, {
    ...opOptions,
    contentLength: info.size,
    contentType: info.contentType ?? "application/octet-stream",
    metadata: rehydratedMetadata({
      tool: ctx.tool,
      originalKey: info.storedKey,
      originalName: baseName(info.key),
      sha256: info.sha256,
      size: info.size,
      createdAt: now,
      expiresAt,
    }),
  });
  ctx.logger.log("info", "rehydrated a delta-stored object for a link", {
    object: formatS3Uri(bucket, info.key),
    tempKey,
    expiresAt: expiresAt.toISOString(),
  });
  return { kind: "rehydrated", info, tempKey, expiresAt, reused: false };
}

/** 32 hex digits of SHA-256(stored key, file SHA-256): the same version, the same copy. */
function versionId(ctx: ServiceContext, storedKey: string, sha256: string): string {
  const hash = ctx.hasher.sha256();
  hash.update(new TextEncoder().encode(`${storedKey}\n${sha256}`));
  return hash.digestHex().slice(0, ID_LENGTH);
}

/** Give a live copy a later `dg-expires-at` (S3 changes metadata only by copying). */
async function extendCopy(
  ctx: ServiceContext,
  bucket: string,
  existing: ObjectInfo,
  expiresAt: Date,
  options: { signal?: AbortSignal },
): Promise<void> {
  await ctx.store.copyObject(bucket, existing.key, bucket, existing.key, {
    ...options,
    contentType: existing.contentType ?? "application/octet-stream",
    metadata: { ...existing.metadata, "dg-expires-at": formatTimestamp(expiresAt, false) },
  });
}
