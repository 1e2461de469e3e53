import { formatS3Uri, InvalidArgumentError, optionalEntry, UnsupportedError } from "@dg/core";
import type { GetSignedUrlInput } from "./bucket-types.js";
import { type ClientContext, signalOption } from "./context.js";
import type { RequestOptions } from "./object-types.js";

const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * A presigned GET URL of an object stored as it is (direct or foreign). A delta-stored object
 * cannot be served by a plain GET: its stored bytes only become the file once deltaglider
 * rebuilds them against the folder's reference.
 */
export async function getSignedUrl(
  ctx: ClientContext,
  input: GetSignedUrlInput,
  options: RequestOptions = {},
): Promise<string> {
  const expiresIn = input.ExpiresIn ?? 3600;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRY_SECONDS) {
    throw new InvalidArgumentError(`Invalid ExpiresIn: ${expiresIn}`, {
      hint: `Give a whole number of seconds from 1 to ${MAX_EXPIRY_SECONDS} (7 days).`,
    });
  }
  const where = formatS3Uri(input.Bucket, input.Key);
  const presign = ctx.store.capabilities?.presign;
  if (!presign) {
    throw new UnsupportedError(`Presigned URLs need an S3 endpoint: ${where}`, {
      hint: `This client stores in ${ctx.store.description}, which has no URLs to sign: read the object with getObject or downloadFile, or create the client with an S3 endpoint (or pass \`s3Client\`).`,
    });
  }
  const info = await ctx.service.head(input.Bucket, input.Key, signalOption(options.signal));
  if (info.kind === "delta") {
    throw new UnsupportedError(`${where} is stored as a delta; a presigned URL cannot serve it`, {
      hint: "Its stored bytes are a delta that only deltaglider can rebuild into the file. Download it with deltaglider (getObject/downloadFile, `deltaglider cp`), or store files meant for direct links with --no-delta (UseDelta: false).",
    });
  }
  return presign.presignGetObject(input.Bucket, info.storedKey, {
    expiresIn,
    ...optionalEntry("responseContentDisposition", input.ResponseContentDisposition),
    ...signalOption(options.signal),
  });
}
