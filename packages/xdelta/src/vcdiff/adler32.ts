/**
 * Adler-32 (RFC 1950), the per-window checksum `xdelta3` writes (VCD_ADLER32).
 */

import { adler32Simd } from "./adler32-simd.js";

const MOD = 65521;
// Bytes summed between two reductions: with a, b < MOD at the start of a block, 255 n (n + 1)
// / 2 + (n + 1) (MOD - 1) stays below 2^31 for n = 3800, so the sums stay small integers.
const BLOCK = 3800;

/**
 * Adler-32 of `bytes`, continuing from `initial` (1 for a fresh checksum).
 *
 * @example
 * ```ts
 * adler32(new TextEncoder().encode("Wikipedia")); // 0x11e60398
 * let sum = adler32(part1); sum = adler32(part2, sum); // same as adler32(part1 + part2)
 * ```
 */
export function adler32(bytes: Uint8Array, initial = 1): number {
  if (bytes.length >= SIMD_THRESHOLD) {
    const sum = adler32Simd(bytes, initial);
    if (sum !== undefined) return sum;
  }
  return adler32Js(bytes, initial);
}

/** Below this size the JavaScript loop is as fast as copying into WebAssembly memory. */
const SIMD_THRESHOLD = 256;

/**
 * Adler-32 in plain JavaScript (the fallback of `adler32`, and its reference in tests).
 *
 * @example
 * ```ts
 * adler32Js(new TextEncoder().encode("Wikipedia")); // 0x11e60398
 * ```
 */
export function adler32Js(bytes: Uint8Array, initial = 1): number {
  let a = initial & 0xffff;
  let b = (initial >>> 16) & 0xffff;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const stop = Math.min(n, i + BLOCK);
    const stop8 = stop - 7;
    // Unrolled by 8: about twice as fast as the plain loop on V8.
    for (; i < stop8; i += 8) {
      a = (a + bytes[i]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 1]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 2]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 3]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 4]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 5]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 6]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 7]!) | 0;
      b = (b + a) | 0;
    }
    for (; i < stop; i++) {
      a = (a + bytes[i]!) | 0;
      b = (b + a) | 0;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
