/**
 * A second, denser index of the source for short matches anywhere in it. The main index
 * (`source-index.ts`) samples 32-byte fingerprints at content-defined anchors, so it finds
 * matches of some tens of bytes and more; an edited region of a release (a changed function,
 * a new entry in a table) is full of 12-30 byte runs that also occur elsewhere in the source.
 * This index keeps the position of one 12-byte fingerprint every `step` source bytes (fixed
 * spacing, so every target position can be looked up and a match of `12 + step - 1` bytes is
 * always found), in a direct-mapped table with a check word; the matcher asks it only where
 * it has nothing longer, and only for source blocks already in memory.
 */
export interface ShortIndex {
  /** Per slot: the source position + 1 (0: empty), then the fingerprint (check word). */
  readonly table: Uint32Array;
  readonly slotShift: number;
  readonly step: number;
}

/** Bytes a short fingerprint covers. */
export const SHORT_LENGTH = 12;

const M0 = 0x9e3779b1;
const M1 = 0x85ebca77;
const M2 = 0xc2b2ae3d;

/** The fingerprint of `bytes[p .. p + 12)`; the caller checks `p + 12 <= bytes.length`. */
export function shortHash(bytes: Uint8Array, p: number): number {
  const a = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
  const b = bytes[p + 4]! | (bytes[p + 5]! << 8) | (bytes[p + 6]! << 16) | (bytes[p + 7]! << 24);
  const c = bytes[p + 8]! | (bytes[p + 9]! << 8) | (bytes[p + 10]! << 16) | (bytes[p + 11]! << 24);
  let h = Math.imul(a, M0) ^ Math.imul(b ^ (a >>> 15), M1) ^ Math.imul(c ^ (b >>> 13), M2);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * The short index for a source of `size` bytes: one fingerprint per `minStep` bytes while the
 * table stays within 2^`maxBits` slots (8 bytes each), sparser beyond. Undefined for sources
 * it would not help (empty, or so large that the step passes `maxStep`).
 *
 * @example
 * ```ts
 * const short = createShortIndex(source.size, { minStep: 8, maxBits: 22, maxStep: 32 });
 * ```
 */
export function createShortIndex(
  size: number,
  options: { readonly minStep: number; readonly maxBits: number; readonly maxStep: number },
): ShortIndex | undefined {
  if (size < SHORT_LENGTH * 4) return undefined;
  const step = Math.max(options.minStep, Math.ceil(size / 2 ** options.maxBits));
  if (step > options.maxStep) return undefined;
  const bits = Math.max(10, Math.min(options.maxBits, Math.ceil(Math.log2(size / step))));
  return { table: new Uint32Array(2 << bits), slotShift: 32 - bits, step };
}

/**
 * Index the positions `position + rel` (multiples of the step) of a chunk of the source read in
 * order, for `rel < last` (the chunk holds `SHORT_LENGTH - 1` bytes past `last`).
 */
export function indexShortChunk(
  index: ShortIndex,
  bytes: Uint8Array,
  last: number,
  position: number,
): void {
  const { table, slotShift, step } = index;
  const stop = Math.min(last, bytes.length - SHORT_LENGTH + 1);
  for (let rel = (step - (position % step)) % step; rel < stop; rel += step) {
    const h = shortHash(bytes, rel);
    const at = (h >>> slotShift) << 1;
    table[at] = position + rel + 1;
    table[at + 1] = h;
  }
}
