import { InvalidArgumentError } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";

/**
 * A `RandomAccessSource` over bytes already in memory (tests, small references). Reads return
 * views of `bytes`, not copies; the caller must not write to them.
 *
 * @example
 * ```ts
 * const source = createBufferSource(new TextEncoder().encode("hello"));
 * await source.read(1, 3); // "ell"
 * ```
 */
export function createBufferSource(bytes: Uint8Array): RandomAccessSource {
  let closed = false;
  return {
    size: bytes.length,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InvalidArgumentError("read after close");
      if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length)) {
        throw new InvalidArgumentError(`bad read range ${position}+${length}`);
      }
      if (position < 0 || length < 0) {
        throw new InvalidArgumentError(`bad read range ${position}+${length}`);
      }
      const start = Math.min(position, bytes.length);
      return bytes.subarray(start, Math.min(bytes.length, start + length));
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
