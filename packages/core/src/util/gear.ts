/**
 * A gear table for content-defined hashing (`h = (h << 1) + table[byte]`): 256 fixed
 * pseudo-random words, xorshift32 from `seed`, the same in every run. Each user keeps its own
 * seed, so that tables (and what they choose) stay as they were.
 *
 * @example
 * ```ts
 * const GEAR = gearTable(0x2545f491);
 * hash = ((hash << 1) + (GEAR[byte] as number)) | 0;
 * ```
 */
export function gearTable(seed: number): Int32Array {
  const table = new Int32Array(256);
  let x = seed | 0;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x;
  }
  return table;
}
