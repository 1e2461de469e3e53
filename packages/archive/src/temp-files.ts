import { createHash } from "node:crypto";
import { InternalError, InvalidArgumentError, throwIfAborted } from "@dg/core";
import type { ByteStream } from "@dg/core";
import { mapFsError, openFile, readFully, streamFile, writeFully } from "@dg/node";

// The archive codec's own file helpers: a reader of a file that is still growing, and a
// buffered writer with rollback. Opening files as sources, streaming them, and the temporary
// folders themselves come from `@dg/node`.

/** Reads by position from a file that may still be growing. */
export interface FileReader {
  /** Up to `length` bytes at `position` (fewer at the current end of the file). */
  read(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Open a file for positional reads, with no fixed size (for a file another handle appends to).
 *
 * @example
 * ```ts
 * const reader = await openFileReader(writer.path);
 * await writer.flush();
 * const bytes = await reader.read(0, 100);
 * ```
 */
export async function openFileReader(path: string): Promise<FileReader> {
  const handle = await openFile(path);
  let closed = false;
  return {
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InvalidArgumentError(`Read after close: ${path}`);
      const wanted = Math.max(0, length);
      const buffer = Buffer.allocUnsafe(wanted);
      const filled = await readFully(handle, buffer, 0, wanted, position, { action: "read", path });
      return filled === wanted ? buffer : buffer.subarray(0, filled);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/** What {@link writeStreamToFile} wrote. */
export interface WrittenFile {
  readonly path: string;
  readonly size: number;
  /** SHA-256 of the bytes, 64 lowercase hex. */
  readonly sha256: string;
}

/**
 * Write a stream to a new file, hashing it on the way.
 *
 * @example
 * ```ts
 * const target = await writeStreamToFile(body, work.file("target"));
 * ```
 */
export async function writeStreamToFile(
  stream: ByteStream,
  path: string,
  signal?: AbortSignal,
): Promise<WrittenFile> {
  const writer = await createFileWriter(path);
  const hash = createHash("sha256");
  try {
    for await (const chunk of stream) {
      throwIfAborted(signal);
      hash.update(chunk);
      await writer.append(chunk);
    }
    await writer.flush();
  } finally {
    await writer.close();
  }
  return { path, size: writer.size, sha256: hash.digest("hex") };
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of streamFile(path)) hash.update(chunk);
  return hash.digest("hex");
}

/** Buffered appends to a file, with a rollback to any earlier size. */
export interface FileWriter {
  readonly path: string;
  /** Bytes appended so far (buffered ones included). */
  readonly size: number;
  append(chunk: Uint8Array): Promise<void>;
  /** Write buffered bytes to the file, so that a reader sees everything appended. */
  flush(): Promise<void>;
  /** Drop everything after `size` bytes. */
  truncate(size: number): Promise<void>;
  /** Flush and close. */
  close(): Promise<void>;
}

const WRITE_BUFFER = 1024 * 1024;

/**
 * Create (or overwrite) a file for buffered appends.
 *
 * @example
 * ```ts
 * const writer = await createFileWriter(work.file("x"));
 * await writer.append(bytes);
 * await writer.close();
 * ```
 */
export async function createFileWriter(path: string): Promise<FileWriter> {
  const handle = await openFile(path, { flags: "w+", action: "create" });
  const buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  let buffered = 0;
  let flushedSize = 0;
  let closed = false;

  const writeAll = (bytes: Uint8Array, position: number): Promise<void> =>
    writeFully(handle, bytes, position, { action: "write", path });

  async function flush(): Promise<void> {
    if (buffered === 0) return;
    await writeAll(buffer.subarray(0, buffered), flushedSize);
    flushedSize += buffered;
    buffered = 0;
  }

  return {
    path,
    get size() {
      return flushedSize + buffered;
    },
    async append(chunk: Uint8Array): Promise<void> {
      if (chunk.length >= WRITE_BUFFER) {
        await flush();
        await writeAll(chunk, flushedSize);
        flushedSize += chunk.length;
        return;
      }
      if (buffered + chunk.length > WRITE_BUFFER) await flush();
      buffer.set(chunk, buffered);
      buffered += chunk.length;
    },
    flush,
    async truncate(size: number): Promise<void> {
      await flush();
      if (size > flushedSize) throw new InternalError(`cannot grow ${path} by truncating`);
      await handle.truncate(size).catch((error: unknown) => {
        throw mapFsError(error, { action: "truncate", path });
      });
      flushedSize = size;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await flush();
      } finally {
        await handle.close();
      }
    },
  };
}
