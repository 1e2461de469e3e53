import { varintLength, writeVarint } from "../vcdiff/varint.js";

/** A growable byte buffer, reused from window to window. */
export interface ByteSink {
  readonly length: number;
  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array;
  byte(value: number): void;
  varint(value: number): void;
  append(bytes: Uint8Array, start: number, end: number): void;
  clear(): void;
}

/**
 * Create an empty sink.
 *
 * @example
 * ```ts
 * const sink = createByteSink();
 * sink.varint(300); sink.byte(7); sink.bytes(); // [0x82, 0x2c, 7]
 * ```
 */
export function createByteSink(initialCapacity = 1 << 16): ByteSink {
  let buffer = new Uint8Array(initialCapacity);
  let length = 0;
  const reserve = (extra: number): void => {
    if (length + extra <= buffer.length) return;
    let capacity = buffer.length * 2;
    while (capacity < length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(buffer.subarray(0, length));
    buffer = next;
  };
  return {
    get length() {
      return length;
    },
    bytes: () => buffer.subarray(0, length),
    byte(value) {
      if (length === buffer.length) reserve(1);
      buffer[length++] = value;
    },
    varint(value) {
      if (value < 128 && length < buffer.length) {
        buffer[length++] = value;
        return;
      }
      reserve(varintLength(value));
      length = writeVarint(value, buffer, length);
    },
    append(bytes, start, end) {
      reserve(end - start);
      buffer.set(bytes.subarray(start, end), length);
      length += end - start;
    },
    clear() {
      length = 0;
    },
  };
}
