import type { SourceBlockCache } from "./block-cache.js";
import { asBuffer, commonLength } from "./common-length.js";
import { createCopyCost } from "./copy-cost.js";
import { createLocalSourceIndex } from "./local-source-index.js";
import type { InstructionList } from "./instruction-list.js";
import { hashBlock, mixHash, rollHash } from "./rolling-hash.js";
import type { HashShape } from "./rolling-hash.js";
import type { SourceIndex } from "./source-index.js";
import { isAnchor } from "./source-index.js";
import { SHORT_LENGTH, shortHash } from "./short-index.js";

/** Tuning of the match search. */
export interface MatcherParams {
  /** Shortest COPY considered (the default code table's smallest COPY is 4). */
  readonly minMatch: number;
  /** How many earlier window positions with the same 4-byte hash are tried per position. */
  readonly selfChain: number;
  /** log2 of the self-match hash table size. */
  readonly selfHashBits: number;
  /** log2 of how far back (in window positions) self-match chains reach. */
  readonly selfChainBits: number;
  /** A match at least this long is taken without looking for a better one. */
  readonly longEnough: number;
  /** A match shorter than this is compared with the match one byte later (lazy matching). */
  readonly lazyBelow: number;
  /** Smallest `length - estimated cost` worth a COPY or RUN instead of literal bytes. */
  readonly minGain: number;
}

/**
 * Finds the instructions of one target window. It runs synchronously over source blocks that
 * are in the cache; when it needs one that is not, `run` returns that block's number, the
 * caller loads it and calls `run` again, which resumes at the same position.
 */
export interface WindowMatcher {
  /** Start a window: `target[0 .. length)`, at absolute target position `start`. */
  begin(target: Uint8Array, length: number, start: number): void;
  /** Continue; -1 when the window is done, otherwise a source block to load first. */
  run(): number;
}

const KIND_NONE = 0;
const KIND_RUN = 1;
const KIND_SOURCE = 2;
const KIND_TARGET = 3;
/** A forward extension that reaches an uncached block stops there once it is this long. */
const PARTIAL_OK = 64;
/** Inside a COPY longer than this, only its last positions go into the self-match table. */
const INSERT_SKIP = 1024;
/** A source copy at least this long sets the diagonal around which short matches are sought. */
const LONG_COPY = 64;
/** The local source index is searched when the best match so far is shorter than this. */
const SHORT_BELOW = 24;
/** Source blocks one position may ask for before it makes do with the cached ones. */
const MAX_NEEDS_PER_POSITION = 4;
/** How many of the diagonals that copied the most are tried at each position. */
const BEST_DIAGONALS = 2;
/** Keep one window's source segment well inside 32-bit addresses. */
const MAX_SEGMENT = 2 ** 31;
const SELF_MULTIPLIER = 0x9e3779b1;
/** Misses before positions start being skipped, how fast the step grows, and its cap. */
const SKIP_AFTER = 64;
const SKIP_SHIFT = 5;
const MAX_SKIP = 8;

/**
 * Create a matcher over `index` and `cache` that appends to `list`.
 *
 * @example
 * ```ts
 * matcher.begin(window, length, start);
 * for (let need = matcher.run(); need >= 0; need = matcher.run()) await cache.load(need);
 * ```
 */
export function createWindowMatcher(
  index: SourceIndex,
  cache: SourceBlockCache,
  list: InstructionList,
  params: MatcherParams,
): WindowMatcher {
  const { table, slotShift, anchorLimit, spacing, short } = index;
  const shortTable = short?.table;
  const shortShift = short?.slotShift ?? 32;
  const { shift: hashShift, length: hashLength } = index.shape;
  const longHash = createHashCursor(index.shape);
  const { slab, blockSize } = cache;
  const sourceSize = cache.sourceSize;
  const { minMatch, selfChain, longEnough, lazyBelow, minGain } = params;
  const selfShift = 32 - params.selfHashBits;
  // Per bucket: the newest window position and its 4-byte key (one cache line for both), and
  // a ring of older positions with the same bucket, reaching `chainReach` positions back.
  const head = new Int32Array(2 << params.selfHashBits);
  const chainReach = 1 << params.selfChainBits;
  const chainMask = chainReach - 1;
  const prev = new Int32Array(chainReach);

  let tgt: Uint8Array = new Uint8Array(0);
  let tgtBuf = asBuffer(tgt);
  const slabBuf = asBuffer(slab);
  let n = 0;
  let winStart = 0;
  let pos = 0;
  let litStart = 0;
  let inserted = 0;
  // The last source copy's diagonal, and the diagonals that copied the most (best first).
  let lastDiag = 0;
  let hasLastDiag = false;
  // The diagonal of the last long source copy: short matches cluster around it.
  let longDiag = 0;
  let hasLongDiag = false;
  const best = new Float64Array(BEST_DIAGONALS);
  const bestScore = new Float64Array(BEST_DIAGONALS);
  let bestCount = 0;
  const costs = createCopyCost();
  const local = createLocalSourceIndex(cache);
  let need = -1;
  /** The position being evaluated and how many blocks it asked for. */
  let needsAt = -1;
  let needsHere = 0;
  /** Positions looked at since the last match. */
  let misses = 0;

  // The best candidate of the last `evaluate`.
  let bKind = KIND_NONE;
  let bStart = 0;
  let bLen = 0;
  let bAddr = 0;
  let bGain = 0;

  const consider = (kind: number, start: number, len: number, addr: number, cost: number): void => {
    const gain = len - cost;
    if (gain > bGain) {
      bKind = kind;
      bStart = start;
      bLen = len;
      bAddr = addr;
      bGain = gain;
    }
  };

  const hashAt = (p: number): number => longHash.at(tgt, p);

  const insertSelf = (q: number): void => {
    const key = tgt[q]! | (tgt[q + 1]! << 8) | (tgt[q + 2]! << 16) | (tgt[q + 3]! << 24);
    const h = (Math.imul(key, SELF_MULTIPLIER) >>> selfShift) << 1;
    prev[q & chainMask] = head[h]!;
    head[h] = q;
    head[h + 1] = key;
  };

  const ensureInserted = (upTo: number): void => {
    const stop = Math.min(upTo, n - 3);
    for (let q = inserted; q < stop; q++) insertSelf(q);
    if (upTo > inserted) inserted = upTo;
  };

  /** Bytes of `tgt[tp..]` equal to the source from `sp`; -1 (and `need`) when a block is missing. */
  const extendForward = (tp: number, sp: number): number => {
    let len = 0;
    const limit = Math.min(n - tp, sourceSize - sp);
    while (len < limit) {
      const at = sp + len;
      const block = Math.floor(at / blockSize);
      const slot = cache.slotOf(block);
      if (slot < 0) {
        if (len >= PARTIAL_OK || !mayNeed()) return len;
        need = block;
        return -1;
      }
      const blockStart = block * blockSize;
      const max = Math.min(limit - len, blockStart + cache.blockLength(block) - at);
      const k = commonLength(slabBuf, slot * blockSize + (at - blockStart), tgtBuf, tp + len, max);
      len += k;
      if (k < max) return len;
    }
    return len;
  };

  /** Bytes before `tgt[tp]` (not before `minT`) equal to those before source `sp`. */
  const extendBackward = (tp: number, sp: number, minT: number): number => {
    let k = 0;
    while (tp - k > minT && sp - k > 0) {
      const at = sp - k - 1;
      const block = Math.floor(at / blockSize);
      const slot = cache.slotOf(block);
      if (slot < 0) break;
      const blockStart = block * blockSize;
      let s = slot * blockSize + (at - blockStart);
      const limit = Math.min(tp - k - minT, at - blockStart + 1);
      const stop = s - limit;
      let t = tp - k - 1;
      const s0 = s;
      while (s > stop && slab[s] === tgt[t]) {
        s--;
        t--;
      }
      k += s0 - s;
      if (s > stop) break;
    }
    return k;
  };

  /**
   * Whether one of the next target anchors after `p` maps to the same diagonal as source `sp`:
   * checked before paying for a source read of an uncached block.
   */
  const confirm = (p: number, sp: number): boolean => {
    const stop = Math.min(n - hashLength, p + 8 * spacing);
    let q = p + 1;
    if (q > stop) return false;
    let h = hashBlock(tgt, q, hashShift, hashLength);
    for (let found = 0; ; ) {
      if (isAnchor(h, anchorLimit)) {
        const at = (mixHash(h) >>> slotShift) << 1;
        if (table[at + 1] === h >>> 0 && table[at] === sp + (q - p) + 1) return true;
        if (++found === 3) return false;
      }
      if (++q > stop) return false;
      h = rollHash(h, tgt[q + hashLength - 1]!, hashShift);
    }
  };

  const segmentFits = (sp: number, len: number): boolean => {
    if (list.sourceStart < 0) return true;
    return Math.max(list.sourceEnd, sp + len) - Math.min(list.sourceStart, sp) <= MAX_SEGMENT;
  };

  const trySource = (p: number, sp: number): boolean => {
    const fwd = extendForward(p, sp);
    if (fwd < 0) return false;
    if (fwd >= minMatch) {
      const back = extendBackward(p, sp, litStart);
      const start = p - back;
      const len = fwd + back;
      if (segmentFits(sp - back, len)) {
        consider(
          KIND_SOURCE,
          start,
          len,
          sp - back,
          costs.copy(false, sp - back, start, len, start - litStart),
        );
      }
    }
    return true;
  };

  const onDiagonal = (p: number, sp: number): boolean => {
    const delta = sp - (winStart + p);
    if (hasLastDiag && delta === lastDiag) return true;
    for (let d = 0; d < bestCount; d++) if (best[d] === delta) return true;
    return false;
  };

  /**
   * Record a source copy of `length` bytes on diagonal `delta`: it becomes the last diagonal,
   * and adds to its score among the remembered ones (best first; the weakest is replaced).
   */
  const rememberDiagonal = (delta: number, length: number): void => {
    lastDiag = delta;
    hasLastDiag = true;
    if (length >= LONG_COPY) {
      longDiag = delta;
      hasLongDiag = true;
    }
    let at = 0;
    while (at < bestCount && best[at] !== delta) at++;
    if (at === bestCount) {
      if (bestCount < BEST_DIAGONALS) bestCount++;
      else at = BEST_DIAGONALS - 1;
      best[at] = delta;
      bestScore[at] = 0;
    }
    bestScore[at]! += length;
    for (; at > 0 && bestScore[at]! > bestScore[at - 1]!; at--) {
      const score = bestScore[at]!;
      bestScore[at] = bestScore[at - 1]!;
      bestScore[at - 1] = score;
      const d = best[at]!;
      best[at] = best[at - 1]!;
      best[at - 1] = d;
    }
  };

  /** Try the source on diagonal `delta` at `p`; false when a block must be loaded first. */
  const tryDiagonal = (p: number, delta: number, mayLoad: boolean): boolean => {
    const sp = winStart + p + delta;
    if (sp < 0 || sp >= sourceSize) return true;
    const block = Math.floor(sp / blockSize);
    const slot = cache.peek(block);
    if (slot < 0) {
      if (!mayLoad || !mayNeed()) return true;
      need = block;
      return false;
    }
    return slab[slot * blockSize + (sp - block * blockSize)] !== tgt[p] || trySource(p, sp);
  };

  /**
   * Whether one more source block may be asked for at this position. Each evaluation that asks
   * for a block is repeated once it is loaded; a position that needed more blocks than the
   * cache holds at once would otherwise never finish, so after a few it makes do with what is
   * cached.
   */
  const mayNeed = (): boolean => needsHere < MAX_NEEDS_PER_POSITION;

  /** Find the best match at `p`; false when a source block must be loaded first. */
  const evaluate = (p: number): boolean => {
    bKind = KIND_NONE;
    bLen = 0;
    bGain = minGain - 1;
    const c0 = tgt[p]!;
    if (tgt[p + 1] === c0 && tgt[p + 2] === c0 && tgt[p + 3] === c0) {
      let r = 4;
      while (p + r < n && tgt[p + r] === c0) r++;
      consider(KIND_RUN, p, r, c0, costs.run(r));
      if (bLen >= longEnough) return true;
    }
    // Diagonals (source position - target position) of earlier source copies: the last one
    // continues a match broken by an edit; the ones that copied the most bring the encoder
    // back to the old version of a file after detours to repeated content elsewhere.
    if (hasLastDiag && !tryDiagonal(p, lastDiag, true)) return false;
    for (let d = 0; d < bestCount; d++) {
      if (hasLastDiag && best[d] === lastDiag) continue;
      if (!tryDiagonal(p, best[d]!, d === 0)) return false;
    }
    if (bLen >= longEnough) return true;
    if (p + hashLength <= n) {
      const h = hashAt(p);
      const at = isAnchor(h, anchorLimit) ? (mixHash(h) >>> slotShift) << 1 : -1;
      if (at >= 0 && table[at + 1] === h >>> 0) {
        const e = table[at]!;
        const sp = e - 1;
        if (e !== 0 && !onDiagonal(p, sp)) {
          const block = Math.floor(sp / blockSize);
          const cached = cache.peek(block);
          if (cached >= 0) {
            if (slab[cached * blockSize + (sp - block * blockSize)] === c0) {
              if (!trySource(p, sp)) return false;
              if (bLen >= longEnough) return true;
            }
          } else if (mayNeed() && confirm(p, sp)) {
            need = block;
            return false;
          }
        }
      }
    }
    if (p + 4 <= n) {
      const key = c0 | (tgt[p + 1]! << 8) | (tgt[p + 2]! << 16) | (tgt[p + 3]! << 24);
      const h = (Math.imul(key, SELF_MULTIPLIER) >>> selfShift) << 1;
      // The newest entry of the bucket has another key: the bucket belongs to other content.
      let c = head[h + 1] === key ? head[h]! : -1;
      const limit = n - p;
      const oldest = p - chainReach;
      for (
        let depth = 0;
        c >= 0 && c > oldest && depth < selfChain;
        depth++, c = prev[c & chainMask]!
      ) {
        // A position inserted ahead of `p` (lazy matching may insert `p` itself before a
        // source block is loaded and `p` evaluated again) is no candidate.
        if (c >= p) continue;
        // Cheap reject: the byte that would make this candidate longer than the best.
        const probe = bLen > 0 && bStart === p ? bLen : 0;
        if (probe > 0 && (probe >= limit || tgt[c + probe] !== tgt[p + probe])) continue;
        const len = commonLength(tgtBuf, c, tgtBuf, p, limit);
        if (len < minMatch) continue;
        let back = 0;
        while (back < c && p - back > litStart && tgt[c - back - 1] === tgt[p - back - 1]) back++;
        const start = p - back;
        consider(
          KIND_TARGET,
          start,
          len + back,
          c - back,
          costs.copy(true, c - back, start, len + back, start - litStart),
        );
        if (bLen >= longEnough) break;
      }
    }
    if (shortTable !== undefined && bLen < SHORT_BELOW && p + SHORT_LENGTH <= n) {
      // Short matches anywhere in the source, where its blocks are in memory.
      const h = shortHash(tgt, p);
      const at = (h >>> shortShift) << 1;
      const e = shortTable[at]!;
      if (e !== 0 && shortTable[at + 1] === h >>> 0) {
        const sp = e - 1;
        const block = Math.floor(sp / blockSize);
        const cached = cache.peek(block);
        if (
          cached >= 0 &&
          slab[cached * blockSize + (sp - block * blockSize)] === c0 &&
          !onDiagonal(p, sp) &&
          !trySource(p, sp)
        ) {
          return false;
        }
      }
    }
    if (hasLongDiag && bLen < SHORT_BELOW) {
      local.cover(winStart + p + longDiag);
      const len = local.find(tgt, p, n - p);
      if (len >= minMatch) {
        const sp = local.position;
        if (!onDiagonal(p, sp) && segmentFits(sp, len)) {
          consider(KIND_SOURCE, p, len, sp, costs.copy(false, sp, p, len, p - litStart));
        }
      }
    }
    return true;
  };

  const emit = (): void => {
    if (bStart > litStart) list.add(litStart, bStart - litStart);
    const end = bStart + bLen;
    if (bKind === KIND_RUN) list.run(bAddr, bLen);
    else if (bKind === KIND_TARGET) {
      list.copyTarget(bAddr, bLen);
      costs.record(true, bAddr);
    } else {
      list.copySource(bAddr, bLen);
      costs.record(false, bAddr);
      rememberDiagonal(bAddr - (winStart + bStart), bLen);
    }
    if (end - inserted > INSERT_SKIP) inserted = end - 32;
    pos = end;
    litStart = end;
    misses = 0;
  };

  return {
    begin(target, length, start) {
      tgt = target;
      tgtBuf = asBuffer(target);
      n = length;
      winStart = start;
      pos = 0;
      needsAt = -1;
      litStart = 0;
      inserted = 0;
      longHash.reset();
      costs.reset();
      misses = 0;
      list.clear();
      head.fill(-1);
    },
    run() {
      while (pos + minMatch <= n) {
        ensureInserted(pos);
        if (pos !== needsAt) {
          needsAt = pos;
          needsHere = 0;
        }
        if (!evaluate(pos)) {
          needsHere++;
          return need;
        }
        if (bKind === KIND_NONE) {
          // In a long stretch without matches (new compressed data, mostly) look at fewer
          // positions; a match found late is extended backwards over what was skipped.
          misses++;
          if (misses <= SKIP_AFTER) {
            pos++;
          } else {
            const step = Math.min(MAX_SKIP, 1 + ((misses - SKIP_AFTER) >> SKIP_SHIFT));
            if (pos + 4 <= n) insertSelf(pos);
            pos += step;
            inserted = pos;
          }
          continue;
        }
        if (bLen < lazyBelow && pos + 1 + minMatch <= n) {
          const kind0 = bKind;
          const start0 = bStart;
          const len0 = bLen;
          const addr0 = bAddr;
          const gain0 = bGain;
          ensureInserted(pos + 1);
          if (!evaluate(pos + 1)) {
            needsHere++;
            return need;
          }
          const gain1 = bGain - Math.max(0, bStart - start0);
          if (bKind === KIND_NONE || gain1 <= gain0) {
            bKind = kind0;
            bStart = start0;
            bLen = len0;
            bAddr = addr0;
            bGain = gain0;
          }
        }
        emit();
      }
      pos = n;
      if (n > litStart) list.add(litStart, n - litStart);
      litStart = n;
      return -1;
    },
  };
}

interface HashCursor {
  reset(): void;
  /** The fingerprint at `p`, rolled forward from the last one when that is cheaper. */
  at(bytes: Uint8Array, p: number): number;
}

function createHashCursor(shape: HashShape): HashCursor {
  const { shift, length } = shape;
  let pos = -1;
  let value = 0;
  return {
    reset() {
      pos = -1;
    },
    at(bytes, p) {
      if (pos === p) return value;
      if (pos >= 0 && pos < p && p - pos < length) {
        let h = value;
        for (let q = pos + length; q < p + length; q++) h = rollHash(h, bytes[q]!, shift);
        value = h;
      } else {
        value = hashBlock(bytes, p, shift, length);
      }
      pos = p;
      return value;
    },
  };
}
