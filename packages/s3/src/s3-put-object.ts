import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ByteStream, PutObjectOptions, PutObjectResult } from "@dg/core";
import { mapS3Error } from "./map-s3-error.js";
import { encodeMetadata } from "./metadata-codec.js";
import { uploadMultipart } from "./multipart-upload.js";
import { taggingEntry, toS3Headers } from "./object-fields.js";
import { partSizer } from "./part-size.js";
import { requestSignal } from "./request-signal.js";

export interface PutSettings {
  readonly threshold: number;
  readonly basePart: number;
  readonly queueSize: number;
}

/** Read up to just over `limit` bytes: enough to tell a small body from a multipart one. */
async function readAhead(iterator: AsyncIterator<Uint8Array>, limit: number) {
  const head: Uint8Array[] = [];
  let bytes = 0;
  while (bytes <= limit) {
    const next = await iterator.next();
    if (next.done) return { head, bytes, ended: true };
    head.push(next.value);
    bytes += next.value.length;
  }
  return { head, bytes, ended: false };
}

/**
 * Write one object: a single PutObject for bodies up to the threshold (streams are read ahead
 * up to it, never further), a multipart upload for anything larger.
 */
export async function putS3Object(
  client: S3Client,
  settings: PutSettings,
  bucket: string,
  key: string,
  body: ByteStream | Uint8Array,
  opts: PutObjectOptions,
): Promise<PutObjectResult> {
  const metadata = encodeMetadata(opts.metadata);
  const objectFields = { ...toS3Headers(opts.headers), ...taggingEntry(opts.tags) };
  const single = async (data: Uint8Array) => {
    try {
      const result = await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Metadata: metadata,
          ...(opts.contentType === undefined ? {} : { ContentType: opts.contentType }),
          ...objectFields,
          ...(opts.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
          Body: data,
          ContentLength: data.length,
        }),
        opts.signal ? { abortSignal: requestSignal(opts.signal) } : {},
      );
      return result.ETag === undefined ? {} : { etag: result.ETag };
    } catch (error) {
      throw mapS3Error(error, { operation: "PutObject", bucket, key });
    }
  };
  if (body instanceof Uint8Array && body.length <= settings.threshold) return single(body);

  const known = body instanceof Uint8Array ? body.length : opts.contentLength;
  const iterator =
    body instanceof Uint8Array
      ? (async function* () {
          yield body;
        })()
      : body[Symbol.asyncIterator]();
  let ahead: { head: Uint8Array[]; bytes: number; ended: boolean };
  try {
    ahead =
      known !== undefined && known > settings.threshold
        ? { head: [], bytes: 0, ended: false }
        : await readAhead(iterator, settings.threshold);
  } catch (error) {
    throw mapS3Error(error, { operation: "PutObject (reading the body)", bucket, key });
  }
  if (ahead.ended) {
    return single(
      ahead.head.length === 1 ? (ahead.head[0] as Uint8Array) : Buffer.concat(ahead.head),
    );
  }
  const checksums = (await client.config.requestChecksumCalculation()) === "WHEN_SUPPORTED";
  return uploadMultipart(client, {
    bucket,
    key,
    metadata,
    ...(opts.contentType === undefined ? {} : { contentType: opts.contentType }),
    objectFields,
    ifNoneMatch: opts.ifNoneMatch === true,
    head: ahead.head,
    rest: iterator,
    partSize: partSizer(settings.basePart, known),
    queueSize: settings.queueSize,
    checksums,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
