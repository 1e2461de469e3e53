import { createHash } from "node:crypto";
import type { ByteStream, OperationOptions, RandomAccessSource, ReferenceCache } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import type { Blocks } from "./block-source.js";
import { createBlockSource } from "./block-source.js";
import { checkSizeOption, DEFAULT_MEMORY_CACHE_BYTES } from "./cache-config.js";
import { assertSha256Hex } from "./sha256-name.js";
import { spoolEncrypted } from "./spool.js";

/**
 * Options of {@link createMemoryReferenceCache} (the SDK resolves `DG_CACHE_MEMORY_SIZE_MB`
 * into `maxSizeBytes`; the cache reads no environment variable).
 */
export interface MemoryReferenceCacheOptions {
  /** Bound on the bytes of all entries. Default 100 MiB. */
  readonly maxSizeBytes?: number;
  /** Where entries too large for the bound are spooled, encrypted. Default `os.tmpdir()`. */
  readonly spoolDirectory?: string;
}

/** A memory reference cache, with its bound and what it holds now. */
export interface MemoryReferenceCache extends ReferenceCache {
  readonly maxSizeBytes: number;
  /** Sum of the sizes of the entries held. */
  readonly usedBytes: number;
  readonly entryCount: number;
}

const BLOCK_SIZE = 1024 * 1024;

/**
 * A bounded reference cache in memory, least recently used entries evicted first, with exact
 * byte accounting (putting the same entry again replaces it and counts it once).
 *
 * An entry larger than the whole bound is not cached: as soon as a `put` body outgrows the
 * bound, the rest is spooled to an anonymous temp file encrypted under a random key, and
 * `put` returns a source over that file (the file disappears when the source is closed). So
 * memory stays bounded: the entries, plus at most the bound again for one `put` in flight.
 * Sources returned earlier stay readable after their entry is evicted or deleted.
 *
 * @example
 * ```ts
 * const cache = createMemoryReferenceCache({ maxSizeBytes: 256 * 1024 * 1024 });
 * const source = (await cache.get(sha)) ?? (await cache.put(sha, downloadReference()));
 * ```
 */
export function createMemoryReferenceCache(
  options: MemoryReferenceCacheOptions = {},
): MemoryReferenceCache {
  const maxSizeBytes =
    options.maxSizeBytes === undefined
      ? DEFAULT_MEMORY_CACHE_BYTES
      : checkSizeOption(options.maxSizeBytes, "maxSizeBytes");
  // Map order is the recency order: the first key is the least recently used.
  const entries = new Map<string, Blocks>();
  let usedBytes = 0;

  const remove = (sha256: string): void => {
    const entry = entries.get(sha256);
    if (!entry) return;
    entries.delete(sha256);
    usedBytes -= entry.size;
  };

  return {
    maxSizeBytes,
    get usedBytes() {
      return usedBytes;
    },
    get entryCount() {
      return entries.size;
    },

    async get(sha256: string, opts?: OperationOptions): Promise<RandomAccessSource | undefined> {
      assertSha256Hex(sha256);
      throwIfAborted(opts?.signal);
      const entry = entries.get(sha256);
      if (!entry) return undefined;
      entries.delete(sha256);
      entries.set(sha256, entry);
      return createBlockSource(entry);
    },

    async put(
      sha256: string,
      body: ByteStream,
      opts?: OperationOptions,
    ): Promise<RandomAccessSource> {
      assertSha256Hex(sha256);
      throwIfAborted(opts?.signal);
      const hash = createHash("sha256");
      const blocks: Buffer[] = [];
      let size = 0;
      const iterator = body[Symbol.asyncIterator]();
      let finished = false;
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            finished = true;
            break;
          }
          throwIfAborted(opts?.signal);
          const piece = next.value;
          if (size + piece.length > maxSizeBytes) {
            finished = true; // the spool takes the iterator over
            return await spoolEncrypted(sha256, replay(blocks, size, piece, iterator), {
              ...(options.spoolDirectory ? { directory: options.spoolDirectory } : {}),
              ...(opts?.signal ? { signal: opts.signal } : {}),
            });
          }
          hash.update(piece);
          appendToBlocks(blocks, size, piece);
          size += piece.length;
        }
      } finally {
        if (!finished) await iterator.return?.();
      }
      const actual = hash.digest("hex");
      if (actual !== sha256) {
        throw new IntegrityError(`Reference SHA-256 mismatch: expected ${sha256}, got ${actual}`, {
          hint: "The download was damaged or the reference changed; nothing was cached.",
        });
      }
      const last = blocks.length - 1;
      const lastBlock = blocks[last];
      if (lastBlock && size - last * BLOCK_SIZE < BLOCK_SIZE) {
        blocks[last] = Buffer.from(lastBlock.subarray(0, size - last * BLOCK_SIZE));
      }
      const entry: Blocks = { blockSize: BLOCK_SIZE, blocks, size };
      remove(sha256);
      for (const [oldest] of entries) {
        if (usedBytes + size <= maxSizeBytes) break;
        remove(oldest);
      }
      entries.set(sha256, entry);
      usedBytes += size;
      return createBlockSource(entry);
    },

    async delete(sha256: string): Promise<void> {
      assertSha256Hex(sha256);
      remove(sha256);
    },
  };
}

/** Copies `piece` to the end of `blocks`, which hold `size` bytes, adding blocks as needed. */
function appendToBlocks(blocks: Buffer[], size: number, piece: Uint8Array): void {
  let offset = 0;
  let at = size;
  while (offset < piece.length) {
    const index = Math.floor(at / BLOCK_SIZE);
    let block = blocks[index];
    if (!block) {
      block = Buffer.allocUnsafe(BLOCK_SIZE);
      blocks.push(block);
    }
    const within = at - index * BLOCK_SIZE;
    const take = Math.min(BLOCK_SIZE - within, piece.length - offset);
    block.set(piece.subarray(offset, offset + take), within);
    offset += take;
    at += take;
  }
}

/** What was read so far, then the rest of the body; gives the body back if stopped early. */
async function* replay(
  blocks: Buffer[],
  size: number,
  piece: Uint8Array,
  iterator: AsyncIterator<Uint8Array>,
): ByteStream {
  let done = false;
  try {
    for (let index = 0; index < blocks.length; index++) {
      const block = blocks[index];
      if (block) yield block.subarray(0, Math.min(BLOCK_SIZE, size - index * BLOCK_SIZE));
      blocks[index] = Buffer.alloc(0);
    }
    yield piece;
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
