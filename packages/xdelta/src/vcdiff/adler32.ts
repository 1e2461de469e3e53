/**
 * Adler-32 (RFC 1950), the per-window checksum `xdelta3` writes (VCD_ADLER32).
 */

const MOD = 65521;
// Largest n such that 255 n (n + 1) / 2 + (n + 1) (MOD - 1) fits in 2^32 - 1: sums can be
// reduced once per block instead of once per byte.
const NMAX = 5552;

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
  let a = initial & 0xffff;
  let b = (initial >>> 16) & 0xffff;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const stop = Math.min(n, i + NMAX);
    for (; i < stop; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
