import type { RandomAccessSource } from "../ports/common.js";

/**
 * A `RandomAccessSource` over bytes in memory.
 *
 * @example
 * ```ts
 * const source = createBufferSource(new Uint8Array([1, 2, 3]));
 * await source.read(1, 2); // Uint8Array [2, 3]
 * ```
 */
export function createBufferSource(bytes: Uint8Array): RandomAccessSource {
  let closed = false;
  return {
    size: bytes.length,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new Error("read after close");
      const start = Math.max(0, Math.min(position, bytes.length));
      return bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length)));
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
