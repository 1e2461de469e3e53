import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import { damaged, foreign } from "./errors.js";
import type { SegmentBytes } from "./instructions.js";
import { copyBytes } from "./instructions.js";

/**
 * Source blocks kept between windows. xdelta3's windows copy from overlapping source segments
 * (about 64 MiB each, its -B), so consecutive windows mostly need the same blocks: keeping
 * them saves reading the source again. Missing blocks are read several at a time.
 */
export interface SourceBlockCache {
  /**
   * How many bytes loading these ranges (absolute source positions, sorted) would hold:
   * the blocks they touch, times the block size.
   */
  cost(starts: readonly number[], ends: readonly number[], base: number): number;
  /** Make the blocks touched by the ranges present; they stay until the next `release`. */
  load(
    starts: readonly number[],
    ends: readonly number[],
    base: number,
    signal: AbortSignal | undefined,
  ): Promise<void>;
  /** The loaded bytes as a window's segment starting at source position `base`. */
  segment(base: number): SegmentBytes;
  /** Trim to the budget, dropping the least recently used blocks. Call after each window. */
  release(): void;
}

export interface SourceBlockCacheOptions {
  readonly blockSize?: number;
  /** Bytes kept between windows (default 32 MiB). */
  readonly maxBytes?: number;
  /** Reads in flight at once (default 8). */
  readonly concurrency?: number;
}

export function createSourceBlockCache(
  source: RandomAccessSource,
  options: SourceBlockCacheOptions = {},
): SourceBlockCache {
  const blockSize = options.blockSize ?? 64 * 1024;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const concurrency = options.concurrency ?? 8;
  // Insertion order is recency order: a used block is deleted and set again.
  const blocks = new Map<number, Uint8Array>();
  let held = 0;

  const forEachBlock = (
    starts: readonly number[],
    ends: readonly number[],
    base: number,
    visit: (index: number) => void,
  ): void => {
    let last = -1;
    for (let i = 0; i < starts.length; i++) {
      const first = Math.max(last + 1, Math.floor((base + starts[i]!) / blockSize));
      const end = Math.floor((base + ends[i]! - 1) / blockSize);
      for (let b = first; b <= end; b++) visit(b);
      if (end > last) last = end;
    }
  };

  const fetch = async (index: number): Promise<void> => {
    const position = index * blockSize;
    const length = Math.min(blockSize, source.size - position);
    const bytes = await foreign(() => source.read(position, length));
    if (bytes.length < length) throw damaged(`the source ends before byte ${position + length}`);
    // The port lets a source reuse its buffer on the next read: copy, unless reads overlap,
    // which already requires distinct buffers (see `sourceReadConcurrency`).
    const kept = concurrency > 1 ? bytes.subarray(0, length) : bytes.slice(0, length);
    blocks.set(index, new Uint8Array(kept.buffer, kept.byteOffset, length));
    held += length;
  };

  return {
    cost(starts, ends, base) {
      let count = 0;
      forEachBlock(starts, ends, base, () => {
        count++;
      });
      return count * blockSize;
    },
    async load(starts, ends, base, signal) {
      const missing: number[] = [];
      forEachBlock(starts, ends, base, (b) => {
        const hit = blocks.get(b);
        if (hit === undefined) missing.push(b);
        else {
          blocks.delete(b);
          blocks.set(b, hit);
        }
      });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < missing.length) {
          throwIfAborted(signal);
          await fetch(missing[next++]!);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
    },
    segment(base) {
      let lastIndex = -1;
      let lastBlock: Uint8Array | undefined;
      return {
        copy(from, length, target, to) {
          let position = base + from;
          let at = to;
          let remaining = length;
          while (remaining > 0) {
            const index = Math.floor(position / blockSize);
            if (index !== lastIndex) {
              lastBlock = blocks.get(index);
              lastIndex = index;
            }
            const offset = position - index * blockSize;
            const n = Math.min(remaining, blockSize - offset);
            copyBytes(lastBlock!, offset, target, at, n);
            position += n;
            at += n;
            remaining -= n;
          }
        },
      };
    },
    release() {
      // Least recently used first; the last window's blocks are the most recent.
      for (const [index, bytes] of blocks) {
        if (held <= maxBytes) break;
        blocks.delete(index);
        held -= bytes.length;
      }
    },
  };
}
