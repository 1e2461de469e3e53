import { InvalidArgumentError } from "../errors.js";

/** The bytes a `read(position, length)` on a source of `size` bytes covers: `[start, end)`. */
export interface ReadRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Checks the arguments of `RandomAccessSource.read` and clamps them to the source: reads past
 * the end return fewer bytes (possibly none), as the port says.
 */
export function clampReadRange(position: number, length: number, size: number): ReadRange {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new InvalidArgumentError(`Read position must be a non-negative integer, got ${position}`);
  }
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InvalidArgumentError(`Read length must be a non-negative integer, got ${length}`);
  }
  const start = Math.min(position, size);
  return { start, end: Math.min(size, start + length) };
}
