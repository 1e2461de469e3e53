/** Compare this many bytes byte by byte before switching to native chunk comparisons. */
const SHORT = 32;
const CHUNK = 2048;

/**
 * How many bytes `a[ai..]` and `b[bi..]` have in common, up to `max`. Long runs are compared
 * natively in chunks (`Buffer#compare` over ranges, no allocation), so the long matches of
 * unchanged data cost little per byte.
 *
 * @example
 * ```ts
 * commonLength(Buffer.from("abcd"), 0, Buffer.from("abxd"), 0, 4); // 2
 * ```
 */
export function commonLength(a: Buffer, ai: number, b: Buffer, bi: number, max: number): number {
  let k = 0;
  const short = Math.min(max, SHORT);
  while (k < short && a[ai + k] === b[bi + k]) k++;
  if (k < short) return k;
  while (max - k >= CHUNK && a.compare(b, bi + k, bi + k + CHUNK, ai + k, ai + k + CHUNK) === 0) {
    k += CHUNK;
  }
  while (k < max && a[ai + k] === b[bi + k]) k++;
  return k;
}

/** A `Buffer` view of `bytes` (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
