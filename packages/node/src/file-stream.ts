import { createReadStream } from "node:fs";
import { throwIfAborted } from "@dg/core";
import { mapFsError } from "./fs-errors.js";

/** Options of {@link streamFile}. */
export interface StreamFileOptions {
  /** First byte to read. Default 0. */
  readonly start?: number;
  /** Stop before this byte. Default: the end of the file. */
  readonly end?: number;
  readonly signal?: AbortSignal;
}

const CHUNK = 1024 * 1024;

/**
 * Stream a file, or the byte range `[start, end)` of it, in chunks of up to 1 MiB; every
 * failure is a `DgError` (a missing file `NOT_FOUND`, an aborted signal `CANCELLED`).
 *
 * @example
 * ```ts
 * for await (const chunk of streamFile("v2.zip", { signal })) hash.update(chunk);
 * ```
 */
export async function* streamFile(
  path: string,
  options: StreamFileOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { start = 0, end, signal } = options;
  throwIfAborted(signal);
  if (end !== undefined && end <= start) return;
  const stream = createReadStream(path, {
    start,
    ...(end === undefined ? {} : { end: end - 1 }),
    highWaterMark: CHUNK,
    ...(signal === undefined ? {} : { signal }),
  });
  try {
    for await (const chunk of stream) {
      throwIfAborted(signal);
      yield chunk as Buffer;
    }
  } catch (error) {
    throw mapFsError(error, { action: "read", path });
  } finally {
    stream.destroy();
  }
}
