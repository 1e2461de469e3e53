import { stat } from "node:fs/promises";
import type { ReplayableBody } from "@dg/core";
import { InvalidArgumentError } from "@dg/core";
import { mapFsError, openFileSource, streamFile } from "@dg/node";

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
    throw mapFsError(error, { action: "read", path });
  }
  return {
    size,
    open: (options) => streamFile(path, options?.signal ? { signal: options.signal } : {}),
    // For codecs that read the file by position (archive-aware deltas): in place, no copy.
    openRandomAccess: () => openFileSource(path),
  };
}
