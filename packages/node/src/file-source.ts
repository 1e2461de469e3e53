import type { FileHandle } from "node:fs/promises";
import { clampReadRange, InvalidArgumentError } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";
import { mapFsError } from "./fs-errors.js";
import { openFile, readFully } from "./file-io.js";

/**
 * Open a plain file as a `RandomAccessSource`: reads by position on one file descriptor,
 * never loading the file whole; `readInto` reads straight into the caller's buffer. The size
 * is taken when the file is opened. `path` is set, so tools that want a file name (the
 * `xdelta3` binary) can open it themselves. Every failure is a `DgError`: a missing file is
 * `NOT_FOUND`, a folder or device `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * const source = await openFileSource("reference.bin");
 * try {
 *   const header = await source.read(0, 1024);
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export async function openFileSource(path: string): Promise<RandomAccessSource> {
  const handle = await openFile(path);
  let size: number;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new InvalidArgumentError(`Could not open ${path}: Not a regular file`, {
        hint: "Name a regular file, not a folder or a device.",
      });
    }
    size = stats.size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw mapFsError(error, { action: "read the size of", path });
  }
  return fileHandleSource(handle, { size, path });
}

/** Options of {@link fileHandleSource}. */
export interface FileHandleSourceOptions {
  /** The bytes the source holds (from `stat`, or what the caller wrote). */
  readonly size: number;
  /** The file's name: set on the source (external tools open it), and named in errors. */
  readonly path: string;
  /** Runs once, after the handle is closed (to delete a temporary file, say). */
  readonly onClose?: () => Promise<void>;
}

/**
 * A `RandomAccessSource` (with `readInto`) over a file handle that is already open; `close`
 * closes the handle. For a file the caller has just written, such as a temporary copy.
 *
 * @example
 * ```ts
 * const temp = await createTempFile({ suffix: ".source" });
 * await writeFully(temp.handle, bytes, 0, { action: "write", path: temp.path });
 * const source = fileHandleSource(temp.handle, {
 *   size: bytes.length,
 *   path: temp.path,
 *   onClose: temp.remove,
 * });
 * ```
 */
export function fileHandleSource(
  handle: FileHandle,
  options: FileHandleSourceOptions,
): RandomAccessSource {
  const { size, path } = options;
  let closed = false;
  const assertOpen = (): void => {
    if (closed) {
      throw new InvalidArgumentError(`Read of ${path} after its file source was closed`, {
        hint: "This is a bug in the caller: it closed the source and read it again.",
      });
    }
  };
  return {
    size,
    path,
    async read(position: number, length: number): Promise<Uint8Array> {
      assertOpen();
      const { start, end } = clampReadRange(position, length, size);
      const out = Buffer.allocUnsafe(end - start);
      // A file that shrank under us gives what exists.
      const filled = await readFully(handle, out, 0, out.length, start, { action: "read", path });
      return filled === out.length ? out : out.subarray(0, filled);
    },
    async readInto(
      position: number,
      into: Uint8Array,
      offset: number,
      length: number,
    ): Promise<number> {
      assertOpen();
      if (
        !Number.isSafeInteger(offset) ||
        offset < 0 ||
        !Number.isSafeInteger(length) ||
        length < 0 ||
        length > into.length - offset
      ) {
        throw new InvalidArgumentError(
          `Read of ${length} bytes at offset ${offset} does not fit a ${into.length}-byte buffer`,
        );
      }
      const { start, end } = clampReadRange(position, length, size);
      return readFully(handle, into, offset, end - start, start, { action: "read", path });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await handle.close();
      } finally {
        await options.onClose?.();
      }
    },
  };
}
