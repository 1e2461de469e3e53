import { randomBytes } from "node:crypto";
import { open, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  ByteStream,
  OperationOptions,
  RandomAccessSource,
  ScratchBlob,
  ScratchSpace,
  ScratchWriter,
} from "@dg/core";
import { InternalError, throwIfAborted } from "@dg/core";
import { forgetAtExit, removeAtExit } from "./exit-cleanup.js";
import { errnoCode, mapFsError } from "./fs-errors.js";
import { openFileSource } from "./file-source.js";

/** Options of {@link createFsScratchSpace}. */
export interface FsScratchSpaceOptions {
  /** Where temp files go. Default `os.tmpdir()`. */
  readonly directory?: string;
}

const STREAM_CHUNK = 1024 * 1024;

/**
 * Scratch space in temp files: `deltaglider-<pid>-<random>.tmp`, created with mode 0600,
 * deleted by `dispose` and, for any left over, when the process exits normally. The bytes are
 * stored as they are (they are the user's own, in transit).
 *
 * @example
 * ```ts
 * const scratch = createFsScratchSpace();
 * const writer = await scratch.create();
 * await writer.write(new TextEncoder().encode("hello"));
 * const blob = await writer.finish();
 * for await (const chunk of blob.open()) process.stdout.write(chunk);
 * await blob.dispose();
 * ```
 */
export function createFsScratchSpace(options: FsScratchSpaceOptions = {}): ScratchSpace {
  return {
    async create(): Promise<ScratchWriter> {
      const directory = options.directory ?? tmpdir();
      const path = join(
        directory,
        `deltaglider-${process.pid}-${randomBytes(8).toString("hex")}.tmp`,
      );
      let handle: FileHandle;
      try {
        handle = await open(path, "wx", 0o600);
      } catch (error) {
        throw mapFsError(error, { action: "create a temporary file", path });
      }
      removeAtExit(path);
      return scratchWriter(path, handle);
    },
  };
}

function scratchWriter(path: string, handle: FileHandle): ScratchWriter {
  let state: "writing" | "finished" | "disposed" = "writing";
  let size = 0;
  let pending: Promise<void> = Promise.resolve();

  const dispose = async (): Promise<void> => {
    if (state === "disposed") return;
    state = "disposed";
    await pending.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await removeFile(path);
  };

  return {
    write(chunk: Uint8Array): Promise<void> {
      if (state !== "writing") {
        return Promise.reject(new InternalError(`Write to a scratch file that is ${state}`));
      }
      // Writes run one after the other even when the caller does not await each one.
      const position = size;
      size += chunk.length;
      pending = pending.then(() => writeFully(handle, chunk, position, path));
      return pending;
    },
    async finish(): Promise<ScratchBlob> {
      if (state !== "writing") throw new InternalError(`Finish of a scratch file that is ${state}`);
      state = "finished";
      try {
        await pending;
        await handle.close();
      } catch (error) {
        await removeFile(path);
        throw mapFsError(error, { action: "write the temporary file", path });
      }
      return scratchBlob(path, size);
    },
    dispose,
  };
}

function scratchBlob(path: string, size: number): ScratchBlob {
  let disposed = false;
  return {
    size,
    open(options?: OperationOptions): ByteStream {
      if (disposed) throw new InternalError("Open of a scratch file after dispose");
      return streamFile(path, options?.signal);
    },
    async openRandomAccess(): Promise<RandomAccessSource> {
      if (disposed) throw new InternalError("Open of a scratch file after dispose");
      return openFileSource(path);
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await removeFile(path);
    },
  };
}

async function writeFully(
  handle: FileHandle,
  chunk: Uint8Array,
  position: number,
  path: string,
): Promise<void> {
  let written = 0;
  try {
    while (written < chunk.length) {
      const result = await handle.write(chunk, written, chunk.length - written, position + written);
      written += result.bytesWritten;
    }
  } catch (error) {
    throw mapFsError(error, { action: "write the temporary file", path });
  }
}

async function* streamFile(path: string, signal: AbortSignal | undefined): ByteStream {
  throwIfAborted(signal);
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw mapFsError(error, { action: "open the temporary file", path });
  }
  try {
    for (;;) {
      throwIfAborted(signal);
      const buffer = Buffer.allocUnsafe(STREAM_CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, STREAM_CHUNK, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    // Anything but "already gone" leaves the path to the exit-time cleanup.
    if (errnoCode(error) !== "ENOENT") return;
  }
  forgetAtExit(path);
}
