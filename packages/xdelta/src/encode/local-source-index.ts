import type { SourceBlockCache } from "./block-cache.js";

/**
 * Short matches near where the source is expected to line up with the target. When an edited
 * file is being encoded, the bytes after a change often reappear a little before or after the
 * position the last source copy points at (a recompressed stream that falls back in step, a
 * header whose fields changed, a line inserted in text). The main index only finds matches of
 * some tens of bytes; this small index covers a few KiB of source around the expected position
 * and finds matches from 4 bytes up, like the matching inside the target window does.
 */
export interface LocalSourceIndex {
  /** Forget the indexed range (e.g. at a new window). */
  reset(): void;
  /**
   * Make the index cover the source around `center` (when the blocks are cached; otherwise
   * the index stays empty). Cheap when `center` is still well inside the covered range.
   */
  cover(center: number): void;
  /**
   * The longest match of `target[p ..]` (at most `limit` bytes) starting in the covered range,
   * or 0; its source position is then in `position`.
   */
  find(target: Uint8Array, p: number, limit: number): number;
  readonly position: number;
}

const SPAN = 8192;
const BEHIND = 2048;
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
  const bytes = new Uint8Array(SPAN + 8);
  const head = new Int32Array(1 << BUCKET_BITS);
  const prev = new Int32Array(SPAN);
  let start = -1;
  let length = 0;
  let position = 0;

  const keyAt = (b: Uint8Array, at: number): number =>
    (Math.imul(b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24), MULTIPLIER) >>>
      (32 - BUCKET_BITS)) |
    0;

  /** Copy `[from, from + want)` of the source out of cached blocks; false if one is missing. */
  const load = (from: number, want: number): boolean => {
    let done = 0;
    while (done < want) {
      const at = from + done;
      const block = Math.floor(at / blockSize);
      const slot = cache.slotOf(block);
      if (slot < 0) return false;
      const offset = at - block * blockSize;
      const take = Math.min(want - done, cache.blockLength(block) - offset);
      const base = slot * blockSize + offset;
      bytes.set(slab.subarray(base, base + take), done);
      done += take;
    }
    return true;
  };

  return {
    get position() {
      return position;
    },
    reset() {
      start = -1;
      length = 0;
    },
    cover(center) {
      if (start >= 0 && center >= start + BEHIND / 2 && center < start + length - SPAN / 2) return;
      const from = Math.max(0, Math.min(center - BEHIND, sourceSize - SPAN));
      const want = Math.min(SPAN, sourceSize - from);
      if (want < 4 || !load(from, want)) {
        start = -1;
        length = 0;
        return;
      }
      start = from;
      length = want;
      head.fill(-1);
      for (let i = 0; i + 4 <= length; i++) {
        const h = keyAt(bytes, i);
        prev[i] = head[h]!;
        head[h] = i;
      }
    },
    find(target, p, limit) {
      if (start < 0 || limit < 4) return 0;
      let best = 0;
      let c = head[keyAt(target, p)]!;
      for (let depth = 0; c >= 0 && depth < CHAIN; depth++, c = prev[c]!) {
        const max = Math.min(limit, length - c);
        if (best > 0 && (best >= max || bytes[c + best] !== target[p + best])) continue;
        let len = 0;
        while (len < max && bytes[c + len] === target[p + len]) len++;
        if (len > best) {
          best = len;
          position = start + c;
        }
      }
      return best >= 4 ? best : 0;
    },
  };
}
