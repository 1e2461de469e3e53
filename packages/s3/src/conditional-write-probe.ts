import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PROBE_PREFIX, UnsupportedError } from "@dg/core";
import { mapS3Error, s3ErrorCode } from "./map-s3-error.js";
import { requestSignal } from "./request-signal.js";

/** Where the probe writes (and then deletes) its object in each bucket (core owns the folder). */
export { PROBE_PREFIX };

const UNSUPPORTED_HINT =
  "deltaglider creates each reference.bin with a create-only write so that concurrent writers cannot overwrite each other. Use a store that honours If-None-Match: * (AWS S3, MinIO, Ceph RGW and moto do), or the local-directory store.";

/**
 * Checks once per bucket whether the store honours `If-None-Match: *`, before the first
 * create-only write: it writes a fresh probe key create-only twice. The second write must fail
 * with 412; a store that accepts it ignores the condition, and create-only writes to it would
 * silently race, so they fail with `UnsupportedError` instead. A store that rejects the header
 * outright (501 NotImplemented, 400 on the header) is reported the same way.
 */
export function createConditionalWriteProbe(client: S3Client) {
  const verdicts = new Map<string, Promise<void>>();

  async function probe(bucket: string, signal: AbortSignal | undefined): Promise<void> {
    const key = `${PROBE_PREFIX}${randomUUID()}`;
    const put = () =>
      client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: "probe", IfNoneMatch: "*" }),
        signal ? { abortSignal: requestSignal(signal) } : {},
      );
    try {
      try {
        await put();
      } catch (error) {
        const code = s3ErrorCode(error);
        if (code === "NotImplemented" || code === "InvalidArgument") {
          throw new UnsupportedError(
            `The store rejects conditional writes (If-None-Match) in bucket ${bucket}`,
            { cause: error, hint: UNSUPPORTED_HINT },
          );
        }
        throw mapS3Error(error, { operation: "conditional-write probe", bucket, key });
      }
      try {
        await put();
      } catch (error) {
        const mapped = mapS3Error(error, { operation: "conditional-write probe", bucket, key });
        if (mapped.code === "CONFLICT") return; // 412: conditions are honoured
        throw mapped;
      }
      throw new UnsupportedError(
        `The store ignores conditional writes (If-None-Match: *) in bucket ${bucket}`,
        { hint: UNSUPPORTED_HINT },
      );
    } finally {
      await client
        .send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
        .catch(() => undefined);
    }
  }

  return {
    /** Resolve when create-only writes to `bucket` are safe; reject with `UnsupportedError` if not. */
    ensure(bucket: string, signal?: AbortSignal): Promise<void> {
      let verdict = verdicts.get(bucket);
      if (!verdict) {
        verdict = probe(bucket, signal);
        verdicts.set(bucket, verdict);
        // Only a definite answer is kept: a network failure is probed again next time.
        verdict.catch((error: unknown) => {
          if ((error as { code?: string }).code !== "UNSUPPORTED") verdicts.delete(bucket);
        });
      }
      return verdict;
    },
  };
}
