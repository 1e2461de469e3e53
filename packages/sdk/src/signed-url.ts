import {
  assertStorableKey,
  baseName,
  formatS3Uri,
  InvalidArgumentError,
  optionalEntry,
  type PresignCapability,
  UnsupportedError,
} from "@dg/core";
import { type ClientContext, signalOption } from "./context.js";
import type {
  CreatePresignedPostInput,
  CreatePresignedPostOutput,
  GetSignedUrlInput,
  RehydrateForDownloadInput,
  RehydrateForDownloadOutput,
} from "./link-types.js";
import type { RequestOptions } from "./object-types.js";

const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;
const DEFAULT_EXPIRY_SECONDS = 3600;

/** A link's or a form's life in seconds, checked as S3 checks presigned URLs. */
function expirySeconds(value: number | undefined, field: string): number {
  const seconds = value ?? DEFAULT_EXPIRY_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRY_SECONDS) {
    throw new InvalidArgumentError(`Invalid ${field}: ${seconds}`, {
      hint: `Give a whole number of seconds from 1 to ${MAX_EXPIRY_SECONDS} (7 days).`,
    });
  }
  return seconds;
}

/** The store's presign capability, or the `file://`-store refusal. */
function presignOf(ctx: ClientContext, what: string, where: string): PresignCapability {
  const presign = ctx.store.capabilities?.presign;
  if (presign) return presign;
  throw new UnsupportedError(`${what} need an S3 endpoint: ${where}`, {
    hint: `This client stores in ${ctx.store.description}, which has no URLs to sign: read the object with getObject or downloadFile, or create the client with an S3 endpoint (or pass \`s3Client\`).`,
  });
}

/**
 * `Content-Disposition` that saves the response as `name`: `filename` in plain ASCII, plus
 * RFC 6266's `filename*` when the name has other characters.
 *
 * @example
 * ```ts
 * attachmentDisposition("app-1.2.zip"); // 'attachment; filename="app-1.2.zip"'
 * ```
 */
export function attachmentDisposition(name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  if (plain === name) return `attachment; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${plain}"; filename*=UTF-8''${encoded}`;
}

/**
 * A presigned GET URL of a logical object. An object stored as it is is signed directly; a
 * delta-stored one is rebuilt into `.deltaglider/tmp/` (a live copy of the same version is
 * reused) and the copy is signed, to expire with the URL. `Rehydrate: false` refuses deltas.
 */
export async function getSignedUrl(
  ctx: ClientContext,
  input: GetSignedUrlInput,
  options: RequestOptions = {},
): Promise<string> {
  const expiresIn = expirySeconds(input.ExpiresIn, "ExpiresIn");
  const where = formatS3Uri(input.Bucket, input.Key);
  const presign = presignOf(ctx, "Presigned URLs", where);
  const opOptions = signalOption(options.signal);
  const sign = (key: string, disposition: string | undefined) =>
    presign.presignGetObject(input.Bucket, key, {
      expiresIn,
      ...optionalEntry("responseContentDisposition", disposition),
      ...opOptions,
    });
  if (input.Rehydrate === false) {
    const info = await ctx.service.head(input.Bucket, input.Key, opOptions);
    if (info.kind === "delta") {
      throw new UnsupportedError(`${where} is stored as a delta; a presigned URL cannot serve it`, {
        hint: "Its stored bytes are a delta only deltaglider can rebuild. Leave Rehydrate on to link a rebuilt copy (`deltaglider presign`), download it with deltaglider, or store files meant for direct links with --no-delta (UseDelta: false).",
      });
    }
    return sign(info.storedKey, input.ResponseContentDisposition);
  }
  const link = await ctx.service.rehydrate(input.Bucket, input.Key, { expiresIn, ...opOptions });
  if (link.kind === "stored") return sign(link.info.storedKey, input.ResponseContentDisposition);
  return sign(
    link.tempKey,
    input.ResponseContentDisposition ?? attachmentDisposition(baseName(link.info.key)),
  );
}

/**
 * Make an object readable by a plain GET, as the Python tool's `rehydrate_for_download`: a
 * delta is rebuilt into `.deltaglider/tmp/` with a `dg-expires-at`; anything else is returned
 * as it is stored.
 */
export async function rehydrateForDownload(
  ctx: ClientContext,
  input: RehydrateForDownloadInput,
  options: RequestOptions = {},
): Promise<RehydrateForDownloadOutput> {
  const expiresIn = expirySeconds(input.ExpiresIn, "ExpiresIn");
  const link = await ctx.service.rehydrate(input.Bucket, input.Key, {
    expiresIn,
    ...signalOption(options.signal),
  });
  if (link.kind === "stored") {
    return { Bucket: input.Bucket, Key: link.info.storedKey, Rehydrated: false, Reused: false };
  }
  return {
    Bucket: input.Bucket,
    Key: link.tempKey,
    Rehydrated: true,
    Reused: link.reused,
    ExpiresAt: link.expiresAt,
  };
}

/**
 * A browser upload form (S3 POST policy) for one key, in `@aws-sdk/s3-presigned-post`'s
 * shapes. The posted file lands as a plain object, stored whole; `migrate` can move such
 * uploads into delta storage later.
 */
export async function createPresignedPost(
  ctx: ClientContext,
  input: CreatePresignedPostInput,
  options: RequestOptions = {},
): Promise<CreatePresignedPostOutput> {
  const expiresIn = expirySeconds(input.Expires, "Expires");
  // The key S3 will write must be one deltaglider can read back as a file of its own.
  assertStorableKey(input.Key);
  const presign = presignOf(ctx, "Presigned forms", formatS3Uri(input.Bucket, input.Key));
  const post = await presign.presignPost(input.Bucket, input.Key, {
    expiresIn,
    ...optionalEntry("fields", input.Fields),
    ...optionalEntry("conditions", input.Conditions),
    ...signalOption(options.signal),
  });
  return { url: post.url, fields: { ...post.fields } };
}
