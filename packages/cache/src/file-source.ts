import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { RandomAccessSource } from "@dg/core";
import { InternalError } from "@dg/core";
import { mapFsError } from "./fs-errors.js";
import { clampReadRange } from "./read-range.js";

/**
 * Opens a plain file for reads by position, on one file descriptor. The size is taken when
 * the file is opened. `path` is set, so tools that want a file name (the `xdelta3` binary)
 * can open it themselves.
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
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw mapFsError(error, { action: "open the file", path });
  }
  try {
    const stats = await handle.stat();
    return fileHandleSource(handle, stats.size, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw mapFsError(error, { action: "read the file's size", path });
  }
}

/** A source over an open handle; `close` closes the handle. */
export function fileHandleSource(
  handle: FileHandle,
  size: number,
  path: string | undefined,
): RandomAccessSource {
  let closed = false;
  const source: RandomAccessSource = {
    size,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InternalError("Read from a file source after it was closed");
      const { start, end } = clampReadRange(position, length, size);
      const out = Buffer.allocUnsafe(end - start);
      let filled = 0;
      try {
        while (filled < out.length) {
          const { bytesRead } = await handle.read(out, filled, out.length - filled, start + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
      } catch (error) {
        throw mapFsError(error, { action: "read the file", path: path ?? "(unnamed)" });
      }
      return filled === out.length ? out : out.subarray(0, filled);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
  return path === undefined ? source : { ...source, path };
}
