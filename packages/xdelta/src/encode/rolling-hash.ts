/**
 * The fingerprint the encoder indexes the source with: a gear hash (`h = (h << 2) + GEAR[b]`,
 * mod 2^32) over the last `HASH_LENGTH` bytes. Shifting by two bits pushes each byte out after
 * 16 steps, so rolling needs no subtraction of the outgoing byte: two cheap operations per
 * byte. A bit mixer then spreads it over the table slot and tag bits.
 */

/** Bytes covered by one fingerprint. */
export const HASH_LENGTH = 16;

/** 256 fixed pseudo-random 32-bit values (a seeded generator: the same on every run). */
export const GEAR: Int32Array = (() => {
  const table = new Int32Array(256);
  let s = 0x5bd1e995;
  for (let i = 0; i < 256; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    table[i] = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) ^ (s >>> 7);
  }
  return table;
})();

/** Fingerprint of `bytes[start .. start + HASH_LENGTH)`. */
export function hashBlock(bytes: Uint8Array, start: number): number {
  let h = 0;
  const end = start + HASH_LENGTH;
  for (let i = start; i < end; i++) h = ((h << 2) + GEAR[bytes[i]!]!) | 0;
  return h;
}

/** Slide the fingerprint one byte forward: `inByte` enters, the oldest byte leaves. */
export function rollHash(h: number, inByte: number): number {
  return ((h << 2) + GEAR[inByte]!) | 0;
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
