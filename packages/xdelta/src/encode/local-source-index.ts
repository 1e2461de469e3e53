import type { SourceBlockCache } from "./block-cache.js";

/**
 * Short matches near where the source is expected to line up with the target. When an edited
 * file is being encoded, the bytes after a change often reappear a little before or after the
 * position the last long source copy points at (a recompressed stream that falls back in step,
 * a header whose fields changed, a line inserted in text). The main index only finds matches
 * of some tens of bytes; this small index covers a few KiB of source around the expected
 * position and finds matches from 4 bytes up, like the matching inside the target window.
 *
 * The covered range slides forward with the target: only the newly covered source bytes are
 * indexed (into ring buffers), and the range starts over where the expected position jumps.
 */
export interface LocalSourceIndex {
  /** Forget the covered range. */
  reset(): void;
  /**
   * Cover the source around `center` (as far as the blocks are cached; a missing block ends
   * the covered range). Cheap when `center` moved forward a little.
   */
  cover(center: number): void;
  /**
   * The longest match of `target[p ..]` (at most `limit` bytes) starting in the covered range,
   * or 0 when it is shorter than 4; its source position is then in `position`.
   */
  find(target: Uint8Array, p: number, limit: number): number;
  readonly position: number;
}

/** Bytes kept (a power of two): the covered range is at most this minus the look-ahead. */
const RING = 8192;
const MASK = RING - 1;
/** Covered around the center: this much behind it, `AHEAD` after it. */
const BEHIND = 1024;
const AHEAD = 3072;
/** The range is extended once it lags this much behind `center + AHEAD`. */
const SLACK = 256;
const BUCKET_BITS = 12;
const CHAIN = 8;
const MULTIPLIER = 0x9e3779b1;

/**
 * Create a local index over the source bytes in `cache`.
 *
 * @example
 * ```ts
 * const local = createLocalSourceIndex(cache);
 * local.cover(expectedSourcePosition);
 * const len = local.find(window, p, window.length - p); // local.position when len > 0
 * ```
 */
export function createLocalSourceIndex(cache: SourceBlockCache): LocalSourceIndex {
  const { slab, blockSize, sourceSize } = cache;
  const ring = new Uint8Array(RING);
  // Positions relative to `origin` (set when the range starts over), -1 for none.
  const head = new Int32Array(1 << BUCKET_BITS).fill(-1);
  const prev = new Int32Array(RING);
  let origin = 0;
  /** Covered range: bytes [lo, hi) are in the ring, positions [lo, hi - 3) are indexed. */
  let lo = 0;
  let hi = 0;
  let position = 0;

  const bucket = (b0: number, b1: number, b2: number, b3: number): number =>
    Math.imul(b0 | (b1 << 8) | (b2 << 16) | (b3 << 24), MULTIPLIER) >>> (32 - BUCKET_BITS);

  /**
   * Append source bytes [hi, until) to the ring and index each position whose 4 bytes are
   * complete; `word` holds the last 4 bytes appended (little-endian, the newest on top).
   */
  let word = 0;
  const extend = (until: number): void => {
    while (hi < until) {
      const block = Math.floor(hi / blockSize);
      const slot = cache.peek(block);
      if (slot < 0) return;
      const offset = hi - block * blockSize;
      const take = Math.min(until - hi, cache.blockLength(block) - offset);
      let from = slot * blockSize + offset;
      const stop = hi + take;
      let w = word;
      for (let at = hi; at < stop; at++) {
        const b = slab[from++]!;
        ring[at & MASK] = b;
        w = (w >>> 8) | (b << 24);
        const q = at - 3;
        if (q >= lo) {
          const h = Math.imul(w, MULTIPLIER) >>> (32 - BUCKET_BITS);
          prev[q & MASK] = head[h]!;
          head[h] = q - origin;
        }
      }
      word = w;
      hi = stop;
    }
  };

  return {
    get position() {
      return position;
    },
    reset() {
      lo = 0;
      hi = 0;
      origin = 0;
      head.fill(-1);
    },
    cover(center) {
      const want = Math.max(0, center - BEHIND);
      const until = Math.min(sourceSize, center + AHEAD);
      if (want < lo || want > hi || want - origin > 0x3fffffff) {
        // A jump (or a long sweep): start over.
        head.fill(-1);
        origin = want;
        lo = want;
        hi = want;
      } else if (until <= hi + SLACK) {
        // Still covered well enough: extend in steps, not byte by byte.
        return;
      }
      extend(until);
      if (hi - lo > RING - AHEAD) lo = hi - (RING - AHEAD);
    },
    find(target, p, limit) {
      let best = 0;
      if (hi - lo < 4 || limit < 4) return 0;
      const first = head[bucket(target[p]!, target[p + 1]!, target[p + 2]!, target[p + 3]!)]!;
      // Relative positions: -1 (none) maps below `lo`.
      let c = first < 0 ? -1 : origin + first;
      for (let depth = 0; c >= lo && depth < CHAIN; depth++) {
        const max = Math.min(limit, hi - c);
        if (best > 0 && (best >= max || ring[(c + best) & MASK] !== target[p + best])) {
          const next = prev[c & MASK]!;
          c = next < 0 ? -1 : origin + next;
          continue;
        }
        let len = 0;
        while (len < max && ring[(c + len) & MASK] === target[p + len]) len++;
        if (len > best) {
          best = len;
          position = c;
        }
        const next = prev[c & MASK]!;
        c = next < 0 ? -1 : origin + next;
      }
      return best >= 4 ? best : 0;
    },
  };
}
