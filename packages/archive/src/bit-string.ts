/**
 * Bit strings as deflate writes them: bit 0 is the low bit of byte 0. Deflate blocks do not
 * start on byte boundaries, so pieces of a stream are cut and joined at bit offsets.
 */

/**
 * `count` bits of `bytes` from bit `fromBit`, moved to start at bit 0 (the unused high bits
 * of the last byte are zero).
 *
 * @example
 * ```ts
 * extractBits(new Uint8Array([0b1010_0000, 0b0000_0011]), 5, 5); // [0b0001_1101]
 * ```
 */
export function extractBits(bytes: Uint8Array, fromBit: number, count: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  const first = Math.floor(fromBit / 8);
  const shift = fromBit % 8;
  for (let i = 0; i < out.length; i++) {
    const low = (bytes[first + i] ?? 0) >>> shift;
    const high = shift === 0 ? 0 : ((bytes[first + i + 1] ?? 0) << (8 - shift)) & 0xff;
    out[i] = low | high;
  }
  const rest = count % 8;
  if (rest !== 0) out[out.length - 1] = (out[out.length - 1] as number) & ((1 << rest) - 1);
  return out;
}

/** Whether the first `count` bits of `a` and `b` are equal. */
export function sameBits(a: Uint8Array, b: Uint8Array, count: number): boolean {
  const whole = Math.floor(count / 8);
  if (a.length < Math.ceil(count / 8) || b.length < Math.ceil(count / 8)) return false;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = count % 8;
  if (rest === 0) return true;
  const mask = (1 << rest) - 1;
  return (((a[whole] as number) ^ (b[whole] as number)) & mask) === 0;
}

/** Joins bit strings into bytes. */
export interface BitJoiner {
  /** Append the first `count` bits of `bits`; returns the bytes completed by them. */
  append(bits: Uint8Array, count: number): Uint8Array;
  /** The last partial byte, its high bits zero (empty when the bits ended on a byte boundary). */
  finish(): Uint8Array;
}

/**
 * A {@link BitJoiner}.
 *
 * @example
 * ```ts
 * const join = createBitJoiner();
 * const head = join.append(piece0, 1234);
 * const tail = join.append(piece1, 999);
 * const last = join.finish();
 * ```
 */
export function createBitJoiner(): BitJoiner {
  let pending = 0;
  let pendingBits = 0;
  return {
    append(bits: Uint8Array, count: number): Uint8Array {
      const total = pendingBits + count;
      const full = total >> 3;
      const shift = pendingBits;
      let out: Uint8Array;
      if (shift === 0) {
        out = bits.slice(0, full);
      } else {
        out = new Uint8Array(full);
        let carry = pending;
        for (let i = 0; i < full; i++) {
          const s = bits[i] ?? 0;
          out[i] = (carry | (s << shift)) & 0xff;
          carry = s >>> (8 - shift);
        }
        pending = carry;
      }
      const rest = total & 7;
      if (rest === 0) {
        pending = 0;
      } else {
        const next = bits[full] ?? 0;
        const value = shift === 0 ? next : pending | (next << shift);
        pending = value & ((1 << rest) - 1);
      }
      pendingBits = rest;
      return out;
    },
    finish(): Uint8Array {
      const out = pendingBits === 0 ? new Uint8Array(0) : new Uint8Array([pending]);
      pending = 0;
      pendingBits = 0;
      return out;
    },
  };
}
