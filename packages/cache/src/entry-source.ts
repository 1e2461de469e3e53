import { createDecipheriv } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import type { RandomAccessSource } from "@dg/core";
import { clampReadRange, IntegrityError, InternalError } from "@dg/core";
import type { FileKeys } from "./cache-key.js";
import { chunkAad, chunkNonce, chunkOffset, TAG_SIZE } from "./entry-format.js";
import type { EntryHeader } from "./entry-format.js";
import { readFully } from "@dg/node";

export interface EntrySourceOptions {
  readonly handle: FileHandle;
  readonly header: EntryHeader;
  readonly fileKeys: FileKeys;
  /** For error messages only: the source has no `path`, the file holds ciphertext. */
  readonly path: string;
  /** Called once, before the error is thrown, when a chunk fails its check. */
  readonly onCorrupt?: () => Promise<void>;
  /** Called after the handle is closed. */
  readonly onClose?: () => Promise<void>;
  /** Decrypted chunks kept for reads that come back to them. Default 16. */
  readonly cachedChunks?: number;
}

/** Ciphertext of neighbouring chunks is fetched with one read of up to this many bytes. */
const MAX_RUN_BYTES = 4 * 1024 * 1024;
/** A read that starts where the previous one ended also decrypts this much ahead. */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * Reads an encrypted entry by position: only the chunks a read touches are read and
 * decrypted, and each one's GCM tag is checked before any of its bytes are returned. Chunks a
 * read covers only in part (the edges) are kept in a small LRU, so sequential reads that do
 * not line up with chunks decrypt each chunk once. When reads are sequential, up to 1 MiB
 * ahead is fetched and decrypted with the same file read and kept in that LRU, so small
 * sequential reads cost one system call per MiB rather than one per read.
 */
export function createEntrySource(options: EntrySourceOptions): RandomAccessSource {
  const { handle, header, fileKeys } = options;
  const { chunkSize, chunkCount, size } = header;
  const readAhead = Math.max(0, Math.floor(READ_AHEAD_BYTES / chunkSize));
  const capacity = Math.max(1, options.cachedChunks ?? readAhead + 8);
  const recent = new Map<number, Buffer>();
  let closed = false;
  let reportedCorrupt = false;
  let sequentialFrom = -1;

  const plainLength = (index: number): number =>
    index < chunkCount - 1 ? chunkSize : size - index * chunkSize;

  const remember = (index: number, plain: Buffer): void => {
    recent.delete(index);
    recent.set(index, plain);
    if (recent.size > capacity) {
      const oldest = recent.keys().next().value;
      if (oldest !== undefined) recent.delete(oldest);
    }
  };

  const corrupt = async (index: number, cause?: unknown): Promise<never> => {
    if (!reportedCorrupt) {
      reportedCorrupt = true;
      await options.onCorrupt?.().catch(() => undefined);
    }
    throw new IntegrityError(
      `Cached reference ${header.sha256} failed its integrity check at chunk ${index}; the entry was removed`,
      { cause, hint: "deltaglider fetches the reference again (once per operation)." },
    );
  };

  const readRun = async (first: number, last: number): Promise<Buffer> => {
    const from = chunkOffset(first, chunkSize);
    const to = chunkOffset(last, chunkSize) + plainLength(last) + TAG_SIZE;
    const bytes = Buffer.allocUnsafe(to - from);
    const filled = await readFully(handle, bytes, 0, bytes.length, from, {
      action: "read the cache entry",
      path: options.path,
    });
    if (filled < bytes.length) await corrupt(last);
    return bytes;
  };

  /** The chunk's plaintext, or undefined when its tag does not match. */
  const open = (index: number, sealed: Buffer): Buffer | undefined => {
    const length = plainLength(index);
    const decipher = createDecipheriv(
      "aes-256-gcm",
      fileKeys.encryption,
      chunkNonce(header.noncePrefix, index),
      { authTagLength: TAG_SIZE },
    );
    decipher.setAAD(chunkAad(header, index, index === chunkCount - 1));
    decipher.setAuthTag(sealed.subarray(length, length + TAG_SIZE));
    try {
      const head = decipher.update(sealed.subarray(0, length));
      const tail = decipher.final();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      return undefined;
    }
  };

  return {
    size,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InternalError("Read from a cache entry after it was closed");
      const { start, end } = clampReadRange(position, length, size);
      if (start === end) return new Uint8Array(0);
      const out = Buffer.allocUnsafe(end - start);
      const first = Math.floor(start / chunkSize);
      const last = Math.floor((end - 1) / chunkSize);
      const sequential = start === sequentialFrom;
      sequentialFrom = end;
      const lastFetched = sequential ? Math.min(chunkCount - 1, last + readAhead) : last;

      const place = (index: number, plain: Buffer): void => {
        const chunkStart = index * chunkSize;
        const from = Math.max(start, chunkStart) - chunkStart;
        const to = Math.min(end, chunkStart + plain.length) - chunkStart;
        plain.copy(out, chunkStart + from - start, from, to);
        if (from > 0 || to < plain.length) remember(index, plain);
      };

      let index = first;
      while (index <= last) {
        const cached = recent.get(index);
        if (cached) {
          place(index, cached);
          index += 1;
          continue;
        }
        let runEnd = index;
        while (
          runEnd < last &&
          !recent.has(runEnd + 1) &&
          (runEnd + 2 - index) * (chunkSize + TAG_SIZE) <= MAX_RUN_BYTES
        ) {
          runEnd += 1;
        }
        if (runEnd === last) {
          while (
            runEnd < lastFetched &&
            !recent.has(runEnd + 1) &&
            (runEnd + 2 - index) * (chunkSize + TAG_SIZE) <= MAX_RUN_BYTES
          ) {
            runEnd += 1;
          }
        }
        const run = await readRun(index, runEnd);
        for (let chunk = index; chunk <= runEnd; chunk++) {
          const offset = (chunk - index) * (chunkSize + TAG_SIZE);
          const sealed = run.subarray(offset, offset + plainLength(chunk) + TAG_SIZE);
          const plain = open(chunk, sealed);
          if (chunk <= last) place(chunk, plain ?? (await corrupt(chunk)));
          else if (plain) remember(chunk, plain);
          else break; // a bad chunk ahead is reported when a read needs it
        }
        index = Math.min(runEnd, last) + 1;
      }
      return out;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      recent.clear();
      try {
        await handle.close();
      } finally {
        await options.onClose?.();
      }
    },
  };
}
