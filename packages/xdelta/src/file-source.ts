import { open } from "node:fs/promises";
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";

/**
 * Open a file as a `RandomAccessSource`: reads by position through one file handle, never
 * loading the file whole; `readInto` reads straight into the caller's buffer. `path` is set, so the native engine hands it to `xdelta3` directly.
 *
 * @example
 * ```ts
 * const source = await openFileSource("reference.bin");
 * try { const head = await source.read(0, 4); } finally { await source.close(); }
 * ```
 */
export async function openFileSource(path: string): Promise<RandomAccessSource> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw mapOpenError(path, error);
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new InvalidArgumentError(`Not a regular file: ${path}`);
  }
  const size = stats.size;
  let closed = false;
  return {
    size,
    path,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InvalidArgumentError(`Read after close: ${path}`);
      if (!Number.isSafeInteger(position) || position < 0 || !Number.isSafeInteger(length)) {
        throw new InvalidArgumentError(`Bad read range ${position}+${length} of ${path}`);
      }
      const wanted = Math.max(0, Math.min(length, size - position));
      const buffer = Buffer.allocUnsafe(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, position + filled);
        if (bytesRead === 0) break; // the file shrank under us: return what exists
        filled += bytesRead;
      }
      return filled === wanted ? buffer : buffer.subarray(0, filled);
    },
    async readInto(
      position: number,
      into: Uint8Array,
      offset: number,
      length: number,
    ): Promise<number> {
      if (closed) throw new InvalidArgumentError(`Read after close: ${path}`);
      if (
        !Number.isSafeInteger(position) ||
        position < 0 ||
        !Number.isSafeInteger(offset) ||
        offset < 0 ||
        !Number.isSafeInteger(length) ||
        length < 0 ||
        length > into.length - offset
      ) {
        throw new InvalidArgumentError(`Bad read range ${position}+${length} of ${path}`);
      }
      const wanted = Math.max(0, Math.min(length, size - position));
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(
          into,
          offset + filled,
          wanted - filled,
          position + filled,
        );
        if (bytesRead === 0) break; // the file shrank under us: return what exists
        filled += bytesRead;
      }
      return filled;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

function mapOpenError(path: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return new NotFoundError(`No such file: ${path}`, { cause: error });
  if (code === "EACCES" || code === "EPERM") {
    return new PermissionDeniedError(`Permission denied: ${path}`, { cause: error });
  }
  if (code === "EISDIR") return new InvalidArgumentError(`Not a regular file: ${path}`);
  return error instanceof Error ? error : new Error(String(error));
}
