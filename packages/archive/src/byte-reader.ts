import type { ByteStream } from "@dg/core";

/**
 * Reads a byte stream piecewise: a fixed-size head, then exact-length runs, then the rest.
 * Chunks handed out are views of the producer's chunks; copy them to keep them past the
 * next read.
 */
export interface ByteReader {
  /** Up to `length` bytes (fewer only at the end of the stream), as one new array. */
  read(length: number): Promise<Uint8Array>;
  /** Exactly `length` bytes as chunks; yields fewer only when the stream ends early. */
  take(length: number): AsyncGenerator<Uint8Array, void, undefined>;
  /** Everything not read yet. */
  rest(): AsyncGenerator<Uint8Array, void, undefined>;
  /** Whether the stream has no byte left. */
  atEnd(): Promise<boolean>;
  /** Stop the underlying stream early (runs its cleanup). */
  close(): Promise<void>;
}

/**
 * Wrap a stream in a {@link ByteReader}.
 *
 * @example
 * ```ts
 * const reader = createByteReader(stream);
 * const magic = await reader.read(8);
 * for await (const chunk of reader.rest()) out.write(chunk);
 * ```
 */
export function createByteReader(stream: ByteStream): ByteReader {
  const iterator = stream[Symbol.asyncIterator]();
  let pending: Uint8Array | undefined;
  let done = false;

  async function fill(): Promise<boolean> {
    while (pending === undefined || pending.length === 0) {
      if (done) return false;
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        pending = undefined;
        return false;
      }
      pending = next.value;
    }
    return true;
  }

  async function* take(length: number): AsyncGenerator<Uint8Array, void, undefined> {
    let left = length;
    while (left > 0 && (await fill())) {
      const chunk = pending as Uint8Array;
      if (chunk.length <= left) {
        pending = undefined;
        left -= chunk.length;
        yield chunk;
      } else {
        pending = chunk.subarray(left);
        const piece = chunk.subarray(0, left);
        left = 0;
        yield piece;
      }
    }
  }

  return {
    async read(length: number): Promise<Uint8Array> {
      const parts: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of take(length)) {
        parts.push(chunk.slice());
        total += chunk.length;
      }
      if (parts.length === 1) return parts[0] as Uint8Array;
      const out = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    },
    take,
    async *rest(): AsyncGenerator<Uint8Array, void, undefined> {
      while (await fill()) {
        const chunk = pending as Uint8Array;
        pending = undefined;
        yield chunk;
      }
    },
    async atEnd(): Promise<boolean> {
      return !(await fill());
    },
    async close(): Promise<void> {
      if (done) return;
      done = true;
      pending = undefined;
      await iterator.return?.();
    },
  };
}

/** The first bytes of a stream, and the whole stream again (from `@dg/core`). */
export { peekStream } from "@dg/core";
