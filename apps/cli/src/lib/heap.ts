import { setFlagsFromString } from "node:v8";

/**
 * How much V8's old generation may grow past what was live after a full collection before the
 * next one, in percent, for the commands that walk a whole listing (see {@link boundHeapGrowth}).
 */
export const LISTING_HEAP_GROWING_PERCENT = 50;

let bounded = false;

/**
 * Keep a long listing's peak memory flat: called by the commands that walk a whole listing
 * (`ls`, `stats`). What a listing holds live is a bounded window, but the pages it reads ahead
 * outlive a young-generation collection or two and are promoted to the old generation, which V8
 * by default lets grow to up to 4× what was live after its last full collection. So the peak
 * grew with the listing's length, not its window (200,000 keys on `file://`: 1.4× the peak at
 * 20,000, with the same live heap after each full collection). Growing by at most half of what
 * is live holds it near 1.1× at no measured cost in time: a listing promotes little now, so the
 * extra full collections are few and small.
 *
 * The flag is read by V8 at each full collection, so setting it while the process runs takes
 * effect from the next one; it is the process's only V8 setting changed at run time, and only
 * in this CLI (a library must not change its host's heap).
 */
export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${LISTING_HEAP_GROWING_PERCENT}`);
}
