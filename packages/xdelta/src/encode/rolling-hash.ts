/**
 * The fingerprints the encoder indexes the source with: gear hashes (`h = (h << shift) +
 * GEAR[b]`, mod 2^32). Shifting pushes each byte out after `ceil(32 / shift)` steps, so
 * rolling needs no subtraction of the outgoing byte: two cheap operations per byte. A bit
 * mixer then spreads the hash over the table slot.
 *
 * The source index uses 32 bytes (shift 1): in sources full of repeated snippets (code, text,
 * archives of similar files) a shorter fingerprint mostly finds the wrong occurrence, while a
 * 32-byte one finds where the long matches are; short matches come from elsewhere (the target
 * window, and the source around the current match).
 */

/** A fingerprint shape: bits shifted per byte, and the bytes it covers (`ceil(32 / shift)`). */
export interface HashShape {
  readonly shift: number;
  readonly length: number;
}

export const SOURCE_HASH: HashShape = { shift: 1, length: 32 };

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

/** Fingerprint of `bytes[start .. start + length)` for a shape (`shift`, `length`). */
export function hashBlock(bytes: Uint8Array, start: number, shift: number, length: number): number {
  let h = 0;
  const end = start + length;
  for (let i = start; i < end; i++) h = ((h << shift) + GEAR[bytes[i]!]!) | 0;
  return h;
}

/** Slide the fingerprint one byte forward: `inByte` enters, the oldest byte leaves. */
export function rollHash(h: number, inByte: number, shift: number): number {
  return ((h << shift) + GEAR[inByte]!) | 0;
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
