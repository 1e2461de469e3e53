/** S3's multipart limits. */
export const MAX_PARTS = 10_000;
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

/** Parts 1..1,000 of an upload of unknown length keep the base size; then they grow. */
const STEADY_PARTS = 1000;
const GROWTH_STEP = 62;

/**
 * The size of each part of a multipart upload, by part number (1-based).
 *
 * - Known length: every part is `max(base, ceil(size / 10,000))`, so any size up to 5 TiB fits.
 * - Unknown length: the first 1,000 parts are `base`, then part n is
 *   `base × (1 + ceil((n − 1,000) / 62))`: small bodies keep small parts, and 10,000 parts
 *   still reach more than 5 TiB (the largest part is then about 1.2 GiB with an 8 MiB base).
 *
 * @example
 * ```ts
 * const sizeOf = partSizer(8 * 2 ** 20, 6 * 2 ** 30);
 * sizeOf(1); // 8 MiB
 * ```
 */
export function partSizer(
  base: number,
  contentLength: number | undefined,
): (part: number) => number {
  const floor = Math.max(base, MIN_PART_SIZE);
  if (contentLength !== undefined) {
    const fixed = Math.min(MAX_PART_SIZE, Math.max(floor, Math.ceil(contentLength / MAX_PARTS)));
    return () => fixed;
  }
  return (part) =>
    part <= STEADY_PARTS
      ? floor
      : Math.min(MAX_PART_SIZE, floor * (1 + Math.ceil((part - STEADY_PARTS) / GROWTH_STEP)));
}
