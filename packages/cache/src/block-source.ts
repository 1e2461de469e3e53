import type { RandomAccessSource } from "@dg/core";
import { clampReadRange, InternalError } from "@dg/core";

/**
 * Bytes in memory as equal-sized blocks (the last one may be shorter): growing a list of
 * blocks never copies what is already there, unlike growing one buffer.
 */
export interface Blocks {
  readonly blockSize: number;
  readonly blocks: readonly Uint8Array[];
  readonly size: number;
}

/** A `RandomAccessSource` over blocks; reads return copies, so callers cannot change them. */
export function createBlockSource(data: Blocks): RandomAccessSource {
  let closed = false;
  return {
    size: data.size,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InternalError("Read from a cached reference after it was closed");
      const { start, end } = clampReadRange(position, length, data.size);
      const out = new Uint8Array(end - start);
      let at = start;
      while (at < end) {
        const index = Math.floor(at / data.blockSize);
        const offset = at - index * data.blockSize;
        const block = data.blocks[index];
        if (!block) throw new InternalError(`Cached reference block ${index} is missing`);
        const take = Math.min(block.length - offset, end - at);
        out.set(block.subarray(offset, offset + take), at - start);
        at += take;
      }
      return out;
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
