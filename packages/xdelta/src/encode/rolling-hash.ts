/**
 * The fingerprint the encoder indexes the source with: a polynomial rolling hash over a block
 * of `length` bytes (mod 2^32), finished by a bit mixer so that both its high bits (table
 * slot) and its low bits (check tag) are well distributed.
 */

/** The polynomial base (odd, so multiplication by it is a bijection mod 2^32). */
export const HASH_BASE = 0x01000193;

/** `HASH_BASE ** (length - 1)` mod 2^32: what the outgoing byte weighs in the rolling hash. */
export function outgoingWeight(length: number): number {
  let w = 1;
  for (let i = 1; i < length; i++) w = Math.imul(w, HASH_BASE);
  return w;
}

/** Hash of `bytes[start .. start + length)`. */
export function hashBlock(bytes: Uint8Array, start: number, length: number): number {
  let h = 0;
  const end = start + length;
  for (let i = start; i < end; i++) h = (Math.imul(h, HASH_BASE) + bytes[i]!) | 0;
  return h;
}

/**
 * Slide the hash one byte: drop `outByte` (weighted by `outgoingWeight(length)`), take
 * `inByte`.
 */
export function rollHash(h: number, outByte: number, inByte: number, weight: number): number {
  return (Math.imul((h - Math.imul(outByte, weight)) | 0, HASH_BASE) + inByte) | 0;
}

/** A 32-bit finaliser (murmur3 fmix32): every input bit affects every output bit. */
export function mixHash(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
