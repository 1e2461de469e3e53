/**
 * VCDIFF integers (RFC 3284 section 2): base-128, most significant digit first, with the high
 * bit of every byte but the last set. Values are JavaScript numbers, so at most 2^53 - 1.
 */
import { IntegrityError } from "@dg/core";

/** The most bytes a varint of a safe integer takes (2^53 needs 8 digits of 7 bits). */
export const MAX_VARINT_LENGTH = 8;

/** Returned by `readVarint` when the bytes end before the varint does. */
export const VARINT_INCOMPLETE = -1;

/**
 * Read a varint at `offset` of `bytes`, looking no further than `end`. The value is written to
 * `out.value` and the offset after it to `out.offset`. Returns the value, or
 * `VARINT_INCOMPLETE` (-1) when `end` comes first (more input needed). Throws `IntegrityError`
 * for a varint longer than `MAX_VARINT_LENGTH` bytes or above `Number.MAX_SAFE_INTEGER`.
 *
 * @example
 * ```ts
 * const out = { value: 0, offset: 0 };
 * readVarint(Uint8Array.of(0x81, 0x00), 0, 2, out); // 128; out.offset === 2
 * ```
 */
export function readVarint(
  bytes: Uint8Array,
  offset: number,
  end: number,
  out: { value: number; offset: number },
): number {
  let value = 0;
  let pos = offset;
  const limit = Math.min(end, offset + MAX_VARINT_LENGTH);
  while (pos < limit) {
    const b = bytes[pos++]!;
    value = value * 128 + (b & 0x7f);
    if (b < 0x80) {
      if (value > Number.MAX_SAFE_INTEGER) throw new IntegrityError("an integer overflows");
      out.value = value;
      out.offset = pos;
      return value;
    }
  }
  if (pos - offset >= MAX_VARINT_LENGTH) throw new IntegrityError("an integer is too long");
  return VARINT_INCOMPLETE;
}

/**
 * Number of bytes the varint of `value` takes.
 *
 * @example
 * ```ts
 * varintLength(127); // 1
 * varintLength(128); // 2
 * ```
 */
export function varintLength(value: number): number {
  checkWritable(value);
  let n = 1;
  let v = value;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/**
 * Write the varint of `value` into `out` at `offset`; returns the offset after it. The caller
 * makes room (see `varintLength`).
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(8);
 * const end = writeVarint(300, buf, 0); // buf = [0x82, 0x2c], end === 2
 * ```
 */
export function writeVarint(value: number, out: Uint8Array, offset: number): number {
  const n = varintLength(value);
  let v = value;
  let pos = offset + n - 1;
  out[pos] = v % 128;
  while (pos > offset) {
    v = Math.floor(v / 128);
    pos--;
    out[pos] = (v % 128) | 0x80;
  }
  return offset + n;
}

/**
 * The varint of `value` as new bytes.
 *
 * @example
 * ```ts
 * encodeVarint(128); // Uint8Array [0x81, 0x00]
 * ```
 */
export function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(varintLength(value));
  writeVarint(value, out, 0);
  return out;
}

function checkWritable(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`not a VCDIFF integer: ${value}`);
  }
}
