import type { ByteStream } from "@dg/core";
import { CancelledError, isDgError, UnavailableError } from "@dg/core";
import { mapS3Error } from "./map-s3-error.js";

/**
 * Pass a GetObject body through, and make sure a body that breaks or ends early is never taken
 * for good data: stream errors become `UnavailableError` (retryable; `CancelledError` when the
 * caller aborted), and a body shorter or longer than its Content-Length fails at its end.
 */
export async function* checkedBody(
  body: AsyncIterable<Uint8Array>,
  expectedLength: number | undefined,
  where: { readonly bucket: string; readonly key: string },
  signal: AbortSignal | undefined,
): ByteStream {
  let received = 0;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      yield chunk;
    }
  } catch (error) {
    if (signal?.aborted) {
      throw new CancelledError(`Cancelled: GetObject s3://${where.bucket}/${where.key}`, {
        cause: error,
      });
    }
    const mapped = mapS3Error(error, { operation: "GetObject (body)", ...where });
    if (isDgError(mapped) && mapped.code !== "INTERNAL") throw mapped;
    throw new UnavailableError(
      `Download of s3://${where.bucket}/${where.key} broke after ${received} bytes`,
      { cause: error, hint: "The connection failed mid-transfer; try again." },
    );
  } finally {
    // Abandoned early: release the socket.
    (body as { destroy?: () => void }).destroy?.();
  }
  if (expectedLength !== undefined && received !== expectedLength) {
    throw new UnavailableError(
      `Download of s3://${where.bucket}/${where.key} was truncated: ${received} of ${expectedLength} bytes`,
      { hint: "The connection ended early; try again." },
    );
  }
}
