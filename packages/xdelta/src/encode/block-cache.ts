import { IntegrityError } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";

/**
 * Source bytes cached in fixed-size blocks, in one preallocated slab (no allocation per
 * read). The matcher looks blocks up synchronously (`slotOf`) and asks the async driver to
 * `load` the ones it misses; least recently used blocks are evicted.
 */
export interface SourceBlockCache {
  readonly blockBits: number;
  readonly blockSize: number;
  readonly sourceSize: number;
  /** The slab: block `b` cached in slot `s` is `slab[s * blockSize .. + blockLength(b))`. */
  readonly slab: Uint8Array;
  /** The slot holding block `block` (and mark it used), or -1 when it is not cached. */
  slotOf(block: number): number;
  /** Like `slotOf`, without marking the block used (for quick probes). */
  peek(block: number): number;
  /** Bytes in block `block` (the last block may be short). */
  blockLength(block: number): number;
  /**
   * Read block `block` from the source into the cache, with up to `readAhead` following
   * blocks that are not cached yet, in one read (matches run forward through the source).
   */
  load(block: number, readAhead?: number): Promise<void>;
  /**
   * Offer bytes that start at a block boundary (read for another purpose, e.g. indexing):
   * whole blocks are copied in while free slots remain. Never evicts.
   */
  offer(position: number, bytes: Uint8Array): void;
  /** Number of reads `load` made. */
  readonly loads: number;
}

/**
 * Create a cache of at most `capacityBytes` (rounded to whole blocks, at least 16 blocks).
 *
 * @example
 * ```ts
 * const cache = createSourceBlockCache(source, { blockBits: 16, capacityBytes: 64 << 20 });
 * if (cache.slotOf(3) < 0) await cache.load(3);
 * ```
 */
export function createSourceBlockCache(
  source: RandomAccessSource,
  options: { readonly blockBits: number; readonly capacityBytes: number },
): SourceBlockCache {
  const { blockBits } = options;
  const blockSize = 1 << blockBits;
  const sourceSize = source.size;
  const blockCount = Math.ceil(sourceSize / blockSize);
  const capacity = Math.max(
    1,
    Math.min(blockCount, Math.max(16, Math.floor(options.capacityBytes / blockSize))),
  );
  const slab = new Uint8Array(capacity * blockSize);
  const slotForBlock = new Int32Array(blockCount).fill(-1);
  const blockInSlot = new Float64Array(capacity).fill(-1);
  const lastUse = new Float64Array(capacity);
  let used = 0;
  let tick = 0;
  let loads = 0;

  const blockLength = (block: number): number =>
    Math.min(blockSize, sourceSize - block * blockSize);

  const victim = (): number => {
    if (used < capacity) return used++;
    let best = 0;
    let bestUse = lastUse[0]!;
    for (let s = 1; s < capacity; s++) {
      const u = lastUse[s]!;
      if (u < bestUse) {
        bestUse = u;
        best = s;
      }
    }
    const old = blockInSlot[best]!;
    if (old >= 0) slotForBlock[old] = -1;
    return best;
  };

  const place = (block: number, bytes: Uint8Array, from: number, length: number): void => {
    const slot = victim();
    slab.set(bytes.subarray(from, from + length), slot * blockSize);
    blockInSlot[slot] = block;
    slotForBlock[block] = slot;
    lastUse[slot] = ++tick;
  };

  return {
    blockBits,
    blockSize,
    sourceSize,
    slab,
    get loads() {
      return loads;
    },
    slotOf(block: number): number {
      const slot = slotForBlock[block] ?? -1;
      if (slot >= 0) lastUse[slot] = ++tick;
      return slot;
    },
    peek(block: number): number {
      return slotForBlock[block] ?? -1;
    },
    blockLength,
    async load(block: number, readAhead = 0): Promise<void> {
      if ((slotForBlock[block] ?? -1) >= 0) return;
      let count = 1;
      // At most a quarter of the cache per read, so that the few blocks one position needs
      // always fit together.
      const most = Math.max(1, Math.min(1 + readAhead, capacity >> 2, blockCount - block));
      while (count < most && (slotForBlock[block + count] ?? -1) < 0) count++;
      const start = block * blockSize;
      const length = Math.min(sourceSize, start + count * blockSize) - start;
      const bytes = await source.read(start, length);
      if (bytes.length < length) {
        throw new IntegrityError(`The source changed while encoding (block ${block} is short)`);
      }
      loads++;
      for (let i = 0; i < count; i++) {
        if ((slotForBlock[block + i] ?? -1) < 0) {
          place(block + i, bytes, i * blockSize, blockLength(block + i));
        }
      }
    },
    offer(position: number, bytes: Uint8Array): void {
      let block = Math.floor(position / blockSize);
      for (let at = 0; used < capacity && block < blockCount; block++, at += blockSize) {
        const length = blockLength(block);
        if (at + length > bytes.length) break;
        if ((slotForBlock[block] ?? -1) < 0) place(block, bytes, at, length);
      }
    },
  };
}
