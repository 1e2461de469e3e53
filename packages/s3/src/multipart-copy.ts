import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { mapS3Error } from "./map-s3-error.js";
import type { S3Headers } from "./object-fields.js";
import { MAX_PART_SIZE, MAX_PARTS } from "./part-size.js";
import { requestSignal } from "./request-signal.js";

export interface MultipartCopyInput {
  readonly copySource: string;
  readonly size: number;
  readonly bucket: string;
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
  /** Standard headers and the URL-encoded tag set of the copy. */
  readonly objectFields: S3Headers & { Tagging?: string };
  /** Smallest part (default 512 MiB); grown so that the copy fits in 10,000 parts. */
  readonly partSize: number;
  readonly queueSize: number;
  readonly signal?: AbortSignal;
}

/**
 * Copy an object server-side in parts (UploadPartCopy): the only way to copy objects over
 * 5 GiB. A failed copy is aborted, so no parts are left behind.
 */
export async function copyMultipart(
  client: S3Client,
  input: MultipartCopyInput,
): Promise<{ etag?: string }> {
  const where = { bucket: input.bucket, key: input.key };
  const send = input.signal ? { abortSignal: requestSignal(input.signal) } : {};
  const partSize = Math.min(
    MAX_PART_SIZE,
    Math.max(input.partSize, Math.ceil(input.size / MAX_PARTS)),
  );
  let uploadId: string | undefined;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: input.bucket,
        Key: input.key,
        Metadata: input.metadata,
        ...(input.contentType === undefined ? {} : { ContentType: input.contentType }),
        ...input.objectFields,
      }),
      send,
    );
    uploadId = created.UploadId;
    if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
    const id = uploadId;
    const count = Math.max(1, Math.ceil(input.size / partSize));
    const parts: CompletedPart[] = [];
    let next = 1;
    let failed = false;
    const worker = async () => {
      while (next <= count && !failed) {
        const number = next++;
        const start = (number - 1) * partSize;
        const end = Math.min(input.size, start + partSize) - 1;
        const result = await client.send(
          new UploadPartCopyCommand({
            Bucket: input.bucket,
            Key: input.key,
            UploadId: id,
            PartNumber: number,
            CopySource: input.copySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
          send,
        );
        const etag = result.CopyPartResult?.ETag;
        if (!etag) throw new Error(`UploadPartCopy ${number} returned no ETag`);
        parts.push({ PartNumber: number, ETag: etag });
      }
    };
    // The first failure stops the other workers from starting new parts.
    await Promise.all(
      Array.from({ length: Math.max(1, input.queueSize) }, () =>
        worker().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: input.bucket,
        Key: input.key,
        UploadId: id,
        MultipartUpload: { Parts: parts },
      }),
      send,
    );
    uploadId = undefined;
    return completed.ETag === undefined ? {} : { etag: completed.ETag };
  } catch (error) {
    if (uploadId !== undefined) {
      await client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: input.bucket,
            Key: input.key,
            UploadId: uploadId,
          }),
        )
        .catch(() => undefined);
    }
    throw mapS3Error(error, { operation: "multipart copy", ...where });
  }
}
