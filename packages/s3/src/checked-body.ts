import type { ByteStream, DgError } from "@dg/core";
import { CancelledError, UnavailableError } from "@dg/core";
import { mapS3Error } from "./map-s3-error.js";
import { requestEndpoint, tagRequestEndpoint } from "./request-endpoint.js";

/** The rest of a body, from `offset` on: a new ranged request for the same object version. */
export type ResumeBody = (offset: number) => Promise<{
  readonly body: AsyncIterable<Uint8Array>;
  readonly contentLength: number | undefined;
}>;

export interface CheckedBodyOptions {
  readonly signal?: AbortSignal;
  /** How to fetch the rest after a break; omitted: a break fails the stream. */
  readonly resume?: ResumeBody;
  /** How many times to resume one body (default 0). */
  readonly maxResumes?: number;
  /**
   * Longest wait for the next piece of the body, in ms (0 or omitted: no limit). Only the
   * waits count, not the time the consumer holds a piece: a slow reader is not a silent
   * server. A body that goes silent fails like a broken one (and is resumed).
   */
  readonly readTimeoutMs?: number;
}

class TooLong extends UnavailableError {}

function destroy(body: AsyncIterable<Uint8Array>): void {
  (body as { destroy?: () => void }).destroy?.();
}

interface SocketShape {
  setTimeout?(ms: number): unknown;
}

/**
 * Stop the socket's own inactivity timer under an AWS SDK body (a Node `IncomingMessage`, or
 * the SDK's checksum stream over one): while the caller holds a piece, nothing is read, and
 * that silence is ours, not the server's. {@link checkedBody} times the waits instead.
 */
export function stopSocketTimer(body: unknown): void {
  const direct = (body as { socket?: SocketShape } | null)?.socket;
  const wrapped = (body as { source?: { socket?: SocketShape } } | null)?.source?.socket;
  (direct ?? wrapped)?.setTimeout?.(0);
}

/** The error of a body that stayed silent, shaped as the AWS SDK's timeouts are. */
function silence(ms: number, endpoint: string | undefined): Error {
  const error = Object.assign(new Error(`no data for ${ms} ms of inactivity`), {
    name: "TimeoutError",
  });
  return endpoint === undefined ? error : tagRequestEndpoint(error, endpoint);
}

/** The body's next piece, or a `TimeoutError` (and the body destroyed) after `ms` of waiting. */
async function nextWithin(
  iterator: AsyncIterator<Uint8Array>,
  body: AsyncIterable<Uint8Array>,
  ms: number,
  endpoint: string | undefined,
): Promise<IteratorResult<Uint8Array>> {
  const next = iterator.next();
  if (ms <= 0) return next;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // The pending read fails too once the body is destroyed; that failure is this one.
      next.catch(() => undefined);
      destroy(body);
      reject(silence(ms, endpoint));
    }, ms);
  });
  try {
    return await Promise.race([next, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Pass a GetObject body through, and make sure a body that breaks or ends early is never taken
 * for good data. With `resume`, a broken or short body is continued from where it stopped
 * (a ranged request pinned to the same ETag), up to `maxResumes` times. Otherwise stream errors
 * become `UnavailableError` (retryable; `CancelledError` when the caller aborted), and a body
 * shorter or longer than its Content-Length fails at its end.
 */
export async function* checkedBody(
  first: AsyncIterable<Uint8Array>,
  expectedLength: number | undefined,
  where: { readonly bucket: string; readonly key: string; readonly endpoint?: string },
  options: CheckedBodyOptions = {},
): ByteStream {
  const name = `s3://${where.bucket}/${where.key}`;
  let received = 0;
  let resumes = 0;
  let current = first;
  for (;;) {
    let failure: unknown;
    try {
      const iterator = current[Symbol.asyncIterator]();
      for (;;) {
        const step = await nextWithin(
          iterator,
          current,
          options.readTimeoutMs ?? 0,
          where.endpoint,
        );
        if (step.done) break;
        const chunk = step.value;
        received += chunk.length;
        if (expectedLength !== undefined && received > expectedLength) {
          throw new TooLong(
            `Download of ${name} is longer than its Content-Length ${expectedLength}`,
          );
        }
        yield chunk;
      }
    } catch (error) {
      if (options.signal?.aborted) {
        throw new CancelledError(`Cancelled: GetObject ${name}`, { cause: error });
      }
      if (error instanceof TooLong) throw error;
      failure = error;
    } finally {
      // Finished, broken or abandoned early: release the socket.
      destroy(current);
    }
    if (failure === undefined && (expectedLength === undefined || received === expectedLength)) {
      return;
    }
    // Only a body that stopped short can be continued; a failure at its very end (a checksum
    // mismatch) cannot be repaired by asking for more bytes.
    if (
      options.resume &&
      expectedLength !== undefined &&
      received < expectedLength &&
      resumes < (options.maxResumes ?? 0)
    ) {
      resumes += 1;
      let next: Awaited<ReturnType<ResumeBody>>;
      try {
        next = await options.resume(received);
      } catch (error) {
        throw mapS3Error(error, { operation: "GetObject (resuming)", ...where });
      }
      if (next.contentLength !== undefined && next.contentLength !== expectedLength - received) {
        destroy(next.body);
        throw new UnavailableError(`Resumed download of ${name} has the wrong length`);
      }
      current = next.body;
      continue;
    }
    throw brokenBody(failure, received, expectedLength, name, where);
  }
}

function brokenBody(
  failure: unknown,
  received: number,
  expectedLength: number | undefined,
  name: string,
  where: { readonly bucket: string; readonly key: string; readonly endpoint?: string },
): DgError {
  if (failure === undefined) {
    return new UnavailableError(
      `Download of ${name} was truncated: ${received} of ${expectedLength} bytes`,
      { hint: "The connection ended early; try again." },
    );
  }
  // A socket that timed out under the body carries no endpoint of its own: name the request's.
  if (where.endpoint !== undefined && typeof failure === "object" && failure !== null) {
    if (requestEndpoint(failure) === undefined) tagRequestEndpoint(failure, where.endpoint);
  }
  const mapped = mapS3Error(failure, { operation: "GetObject (body)", ...where });
  if (mapped.code !== "INTERNAL") return mapped;
  return new UnavailableError(`Download of ${name} broke after ${received} bytes`, {
    cause: failure,
    hint: "The connection failed mid-transfer; try again.",
  });
}
