import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ByteStream, ReplayableBody } from "@dg/core";
import {
  InvalidArgumentError,
  isDgError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
} from "@dg/core";

const CHUNK = 1024 * 1024;

/**
 * A local file as a replayable body: each `open` streams it from disk again (DeltaService
 * reads it twice: to hash it, then to encode or upload it), never loading it whole; codecs
 * that read by position open it in place.
 */
export async function fileBody(path: string): Promise<ReplayableBody> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new InvalidArgumentError(`Not a file: ${path}`, {
        hint: "Give a regular file; to upload a folder, upload each file in it.",
      });
    }
    size = info.size;
  } catch (error) {
    throw mapLocalFileError(error, path, "read");
  }
  return {
    size,
    open: (options) => readFile(path, options?.signal),
    // For codecs that read the file by position (archive-aware deltas): in place, no copy.
    openRandomAccess: async () => {
      const { openFileSource } = await import("@dg/xdelta");
      try {
        return await openFileSource(path);
      } catch (error) {
        throw mapLocalFileError(error, path, "read");
      }
    },
  };
}

async function* readFile(path: string, signal: AbortSignal | undefined): ByteStream {
  const stream = createReadStream(path, { highWaterMark: CHUNK, ...(signal ? { signal } : {}) });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw mapLocalFileError(error, path, "read");
  }
}

/** Map a Node file-system error (a local file the user named) into the error family. */
export function mapLocalFileError(error: unknown, path: string, action: string): Error {
  if (isDgError(error)) return error;
  if (error instanceof Error && "code" in error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return new NotFoundError(`No such file: ${path}`, { cause: error, hint: "Check the path." });
    }
    if (code === "EACCES" || code === "EPERM") {
      return new PermissionDeniedError(`Permission denied to ${action} ${path}`, { cause: error });
    }
    if (code === "EISDIR" || code === "ENOTDIR") {
      return new InvalidArgumentError(`Cannot ${action} ${path}: ${code}`, { cause: error });
    }
    if (code === "ABORT_ERR") return error;
    return new UnavailableError(`Cannot ${action} ${path}: ${error.message}`, {
      cause: error,
      retryable: false,
    });
  }
  return error instanceof Error ? error : new UnavailableError(String(error));
}
