import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { CancelledError, InvalidArgumentError, uploadMarkerKeyFor } from "@dg/core";
import { mapS3Error } from "./map-s3-error.js";
import type { S3Headers } from "./object-fields.js";
import { MAX_PARTS } from "./part-size.js";

export interface MultipartUploadInput {
  readonly bucket: string;
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
  /** Standard headers and the URL-encoded tag set, as CreateMultipartUpload takes them. */
  readonly objectFields: S3Headers & { Tagging?: string };
  readonly ifNoneMatch: boolean;
  /** Bytes already read from the body (the store reads ahead to decide on multipart). */
  readonly head: readonly Uint8Array[];
  readonly rest: AsyncIterator<Uint8Array>;
  readonly partSize: (partNumber: number) => number;
  /** Parts uploaded at once (memory is about `queueSize × partSize`). */
  readonly queueSize: number;
  /** Whether the client sends CRC32 checksums (then the parts' checksums go into Complete). */
  readonly checksums: boolean;
  readonly signal?: AbortSignal;
}

/** Cut the body into parts of the sizes the sizer asks for. */
async function* cutParts(
  input: MultipartUploadInput,
): AsyncGenerator<{ number: number; data: Uint8Array }> {
  let pending: Uint8Array[] = [...input.head];
  let pendingBytes = pending.reduce((n, c) => n + c.length, 0);
  let partNumber = 1;
  let ended = false;
  while (!ended || pendingBytes > 0) {
    const want = input.partSize(partNumber);
    while (!ended && pendingBytes < want) {
      const next = await input.rest.next();
      if (next.done) ended = true;
      else {
        pending.push(next.value);
        pendingBytes += next.value.length;
      }
    }
    if (pendingBytes === 0) return;
    const joined = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending);
    const take = Math.min(want, joined.length);
    // Copy the part out, so the remainder does not pin a whole joined buffer.
    yield {
      number: partNumber,
      data: take === joined.length ? joined : Buffer.from(joined.subarray(0, take)),
    };
    const remainder = joined.subarray(take);
    pending = remainder.length > 0 ? [Buffer.from(remainder)] : [];
    pendingBytes = remainder.length;
    partNumber += 1;
  }
}

/**
 * Upload a body as a multipart upload, `queueSize` parts at a time. Any failure (a part that
 * keeps failing after the client's retries, a broken body, cancellation, a lost create-only
 * race at Complete) aborts the upload, so no parts are left stored and billed.
 */
export async function uploadMultipart(
  client: S3Client,
  input: MultipartUploadInput,
): Promise<{ etag?: string }> {
  const where = { bucket: input.bucket, key: input.key };
  // Aborted by the caller's signal, or by the first failing part (to stop the others).
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  input.signal?.addEventListener("abort", onAbort, { once: true });
  if (input.signal?.aborted) inner.abort();
  const send = { abortSignal: inner.signal };
  let uploadId: string | undefined;
  let marked: string | undefined;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: input.bucket,
        Key: input.key,
        Metadata: input.metadata,
        ...(input.contentType === undefined ? {} : { ContentType: input.contentType }),
        ...input.objectFields,
        ...(input.checksums ? { ChecksumAlgorithm: "CRC32" as const } : {}),
      }),
      send,
    );
    uploadId = created.UploadId;
    if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
    const id = uploadId;
    marked = await mark(client, input.bucket, id, input.key);

    const parts = cutParts(input);
    const done: CompletedPart[] = [];
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined) {
        if (input.signal?.aborted) throw new CancelledError("Upload cancelled");
        const next = await parts.next();
        if (next.done || failure !== undefined) return;
        const { number, data } = next.value;
        if (number > MAX_PARTS) {
          throw new InvalidArgumentError(
            `Upload of s3://${input.bucket}/${input.key} needs more than ${MAX_PARTS} parts`,
            {
              hint: "The body is larger than S3's 5 TiB object limit.",
            },
          );
        }
        const result = await client.send(
          new UploadPartCommand({
            Bucket: input.bucket,
            Key: input.key,
            UploadId: id,
            PartNumber: number,
            Body: data,
            ContentLength: data.length,
            ...(input.checksums ? { ChecksumAlgorithm: "CRC32" as const } : {}),
          }),
          send,
        );
        if (!result.ETag) throw new Error(`UploadPart ${number} returned no ETag`);
        done.push({
          PartNumber: number,
          ETag: result.ETag,
          ...(result.ChecksumCRC32 ? { ChecksumCRC32: result.ChecksumCRC32 } : {}),
        });
      }
    };
    const workers = Array.from({ length: Math.max(1, input.queueSize) }, () =>
      worker().catch((error: unknown) => {
        failure ??= error;
        inner.abort();
      }),
    );
    await Promise.all(workers);
    if (failure !== undefined) {
      await parts.return(undefined);
      throw failure;
    }
    done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: input.bucket,
        Key: input.key,
        UploadId: id,
        MultipartUpload: { Parts: done },
        ...(input.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
      }),
      send,
    );
    uploadId = undefined;
    await unmark(client, input.bucket, marked);
    return completed.ETag === undefined ? {} : { etag: completed.ETag };
  } catch (error) {
    const mapped = input.signal?.aborted
      ? new CancelledError(`Cancelled: upload of s3://${input.bucket}/${input.key}`, {
          cause: error,
        })
      : mapS3Error(error, { operation: "multipart upload", ...where });
    if (uploadId !== undefined) {
      try {
        // Not under the caller's signal: the abort must go out even after a cancel.
        await client.send(
          new AbortMultipartUploadCommand({
            Bucket: input.bucket,
            Key: input.key,
            UploadId: uploadId,
          }),
        );
        await unmark(client, input.bucket, marked);
      } catch (abortError) {
        throw mapS3Error(abortError, {
          operation: "AbortMultipartUpload (after a failed upload)",
          ...where,
        });
      }
    }
    throw mapped;
  } finally {
    input.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Mark an upload as deltaglider's: an empty object `.deltaglider/uploads/<upload id>`. S3 lists
 * an unfinished upload with its key, id, time and owner only (the metadata given to
 * CreateMultipartUpload is not shown), so `purge` finds its own uploads by these marks and
 * aborts those a killed process left. Best effort: an upload whose mark cannot be written
 * goes on, unmarked (then `purge` leaves it alone). Resolves to the mark's key, if written.
 */
async function mark(
  client: S3Client,
  bucket: string,
  uploadId: string,
  key: string,
): Promise<string | undefined> {
  const markKey = uploadMarkerKeyFor(uploadId);
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: markKey,
        Body: new Uint8Array(0),
        Metadata: { "dg-upload-key": encodeURIComponent(key) },
      }),
    );
    return markKey;
  } catch {
    return undefined;
  }
}

/** Delete an upload's mark once the upload completed or was aborted; best effort (purge ends it). */
async function unmark(
  client: S3Client,
  bucket: string,
  markKey: string | undefined,
): Promise<void> {
  if (markKey === undefined) return;
  await client
    .send(new DeleteObjectCommand({ Bucket: bucket, Key: markKey }))
    .catch(() => undefined);
}
