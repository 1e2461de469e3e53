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
 * reads it twice: to hash it, then to encode or upload it), never loading it whole.
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
    const { code, syscall } = error as NodeJS.ErrnoException;
    const options = { cause: error };
    // Node's recursive mkdir reports ENOENT, not EROFS, under a read-only file system.
    if (code === "ENOENT" && syscall === "mkdir") {
      return new PermissionDeniedError(
        `Permission denied to ${action} ${path}: a folder above it cannot be written (read-only file system?)`,
        { ...options, hint: WRITABLE_HINT },
      );
    }
    if (code === "ENOENT") {
      return new NotFoundError(`No such file: ${path}`, { ...options, hint: "Check the path." });
    }
    if (code === "EACCES" || code === "EPERM") {
      return new PermissionDeniedError(`Permission denied to ${action} ${path}`, {
        ...options,
        hint: "Check the file's and its folder's owner and mode, or choose another path.",
      });
    }
    if (code === "EROFS") {
      return new PermissionDeniedError(
        `Permission denied to ${action} ${path}: it is on a read-only file system`,
        { ...options, hint: WRITABLE_HINT },
      );
    }
    if (code === "ENOSPC" || code === "EDQUOT") {
      return new UnavailableError(`No space left to ${action} ${path}`, {
        ...options,
        retryable: false,
        hint: "Free some disk space, or choose a folder on another disk.",
      });
    }
    if (code === "EISDIR" || code === "ENOTDIR") {
      return new InvalidArgumentError(`Cannot ${action} ${path}: ${code}`, {
        ...options,
        hint:
          code === "EISDIR"
            ? "A folder is in the way; name a file, or end the path with / for a folder."
            : "A file is in the way where the path needs a folder; check the path.",
      });
    }
    if (code === "ABORT_ERR") return error;
    return new UnavailableError(`Cannot ${action} ${path}: ${error.message}`, {
      ...options,
      retryable: false,
      hint: "Check the path and the disk, then try again.",
    });
  }
  return error instanceof Error ? error : new UnavailableError(String(error));
}

const WRITABLE_HINT = "Choose a folder on a file system you can write to.";
