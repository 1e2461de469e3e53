import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, throwIfAborted } from "@dg/core";
import type { ByteStream, RandomAccessSource, ScratchBlob, ScratchSpace } from "@dg/core";

/** A private temporary directory for one operation, removed by `dispose`. */
export interface WorkDir {
  readonly path: string;
  /** A path inside the directory. */
  file(name: string): string;
  dispose(): Promise<void>;
}

/**
 * Create a work directory under `parent` (default: the OS temp directory).
 *
 * @example
 * ```ts
 * const work = await createWorkDir();
 * try { ... work.file("expanded") ... } finally { await work.dispose(); }
 * ```
 */
export async function createWorkDir(parent?: string): Promise<WorkDir> {
  const path = await mkdtemp(join(parent ?? tmpdir(), "dg-archive-"));
  return {
    path,
    file: (name) => join(path, name),
    dispose: () => rm(path, { recursive: true, force: true }),
  };
}

/**
 * Open a file as a `RandomAccessSource` (with `path` set, so external tools may open it).
 *
 * @example
 * ```ts
 * const source = await openFileSource(work.file("expanded"));
 * ```
 */
export async function openFileSource(path: string): Promise<RandomAccessSource> {
  const reader = await openFileReader(path);
  const { size } = await stat(path);
  return {
    size,
    path,
    read: (position, length) => reader.read(position, Math.min(length, size - position)),
    close: () => reader.close(),
  };
}

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
  const handle = await open(path, "r");
  let closed = false;
  return {
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InvalidArgumentError(`Read after close: ${path}`);
      const wanted = Math.max(0, length);
      const buffer = Buffer.allocUnsafe(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
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

/** Stream a file, or the byte range `[start, end)` of it. */
export async function* fileChunks(
  path: string,
  start = 0,
  end?: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (end !== undefined && end <= start) return;
  const stream = createReadStream(path, {
    start,
    ...(end === undefined ? {} : { end: end - 1 }),
    highWaterMark: 1024 * 1024,
  });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fileChunks(path)) hash.update(chunk);
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
  const handle = await open(path, "w+");
  const buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  let buffered = 0;
  let flushedSize = 0;
  let closed = false;

  async function writeAll(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(
        bytes,
        done,
        bytes.length - done,
        position + done,
      );
      done += bytesWritten;
    }
  }

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
      if (size > flushedSize) throw new RangeError(`cannot grow ${path} by truncating`);
      await handle.truncate(size);
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

/**
 * Scratch space in a work directory: each blob is a file there (removed by `dispose`, or with
 * the directory).
 *
 * @example
 * ```ts
 * const writer = await workDirScratch(work).create();
 * ```
 */
export function workDirScratch(work: WorkDir): ScratchSpace {
  let next = 0;
  return {
    async create() {
      const path = work.file(`blob-${next++}`);
      const writer = await createFileWriter(path);
      return {
        write: (chunk: Uint8Array) => writer.append(chunk),
        async finish(): Promise<ScratchBlob> {
          await writer.close();
          return {
            size: writer.size,
            open: () => fileChunks(path),
            openRandomAccess: () => openFileSource(path),
            dispose: () => rm(path, { force: true }),
          };
        },
        async dispose() {
          await writer.close();
          await rm(path, { force: true });
        },
      };
    },
  };
}
