import type { BlockSymbols, BlockWriter } from "./block-writer.js";
import type { InputQueue } from "./input-queue.js";
import {
  DIST_CODE,
  EXTRA_DBITS,
  LENGTH_CODE,
  LITERALS,
  MAX_MATCH,
  MIN_LOOKAHEAD,
  MIN_MATCH,
  TOO_FAR,
} from "./tables.js";
import type { Window } from "./window.js";
import {
  findMatch,
  insertString,
  longestMatch,
  MATCH_LENGTH_BITS,
  MATCH_LENGTH_MASK,
  maxDist,
  slideHash,
  updateHash,
} from "./window.js";

/** The match finder and block loop of one flavour. */
export interface Lz77 {
  /** Consume the input there is (`finish`: all of it, and end the stream). */
  run(finish: boolean): void;
  /**
   * Start as if `history` (the bytes before the first input, at stream offset `position`)
   * had been compressed already. Only before the first `run`.
   */
  prime(history: Uint8Array, position: number): void;
}

/** zlib's strategies: 0 default, 1 filtered, 2 Huffman only, 3 RLE, 4 fixed. */
export interface ZlibLz77Options {
  readonly level: number;
  readonly strategy: number;
  readonly lazy: boolean;
}

/** Bytes beyond the data zeroed before they can be read (zlib's WIN_INIT). */
const WIN_INIT = MAX_MATCH;

/**
 * zlib's deflate_fast / deflate_slow / deflate_rle / deflate_huff with their fill_window, as
 * a resumable loop: `run(false)` consumes what input there is (Z_NO_FLUSH), `run(true)`
 * finishes the stream (Z_FINISH).
 */
export function createZlibLz77(
  w: Window,
  input: InputQueue,
  blocks: BlockWriter,
  options: ZlibLz77Options,
): Lz77 {
  function fillWindow(): void {
    const wSize = w.wSize;
    do {
      let more = w.windowSize - w.lookahead - w.strStart;
      if (w.strStart >= wSize + maxDist(w)) {
        w.window.copyWithin(0, wSize, wSize + wSize - more);
        w.matchStart -= wSize;
        w.strStart -= wSize;
        w.blockStart -= wSize;
        slideHash(w);
        more += wSize;
      }
      if (input.length === 0) break;
      const n = input.readInto(w.window, w.strStart + w.lookahead, more);
      w.lookahead += n;
      if (w.lookahead + w.insert >= MIN_MATCH) {
        let str = w.strStart - w.insert;
        w.insH = w.window[str] as number;
        w.insH = updateHash(w, w.insH, w.window[str + 1] as number);
        // Strings a dictionary left uninserted (zlib's `insert`).
        while (w.insert > 0) {
          w.insH = updateHash(w, w.insH, w.window[str + MIN_MATCH - 1] as number);
          w.prev[str & w.wMask] = w.head[w.insH] as number;
          w.head[w.insH] = str;
          str++;
          w.insert--;
          if (w.lookahead + w.insert < MIN_MATCH) break;
        }
      }
    } while (w.lookahead < MIN_LOOKAHEAD && input.length !== 0);

    if (w.highWater < w.windowSize) {
      const curr = w.strStart + w.lookahead;
      if (w.highWater < curr) {
        const init = Math.min(w.windowSize - curr, WIN_INIT);
        w.window.fill(0, curr, curr + init);
        w.highWater = curr + init;
      } else if (w.highWater < curr + WIN_INIT) {
        const init = Math.min(curr + WIN_INIT - w.highWater, w.windowSize - w.highWater);
        w.window.fill(0, w.highWater, w.highWater + init);
        w.highWater += init;
      }
    }
  }

  /** Emit the block from blockStart up to `at`. */
  function flushTo(at: number, last: boolean): void {
    const stored = w.blockStart >= 0 ? w.window.subarray(w.blockStart, at) : undefined;
    blocks.flushBlock(stored, at - w.blockStart, last);
    w.blockStart = at;
  }

  function flush(last: boolean): void {
    flushTo(w.strStart, last);
  }

  /** Returns true when the input ran out (need more), false when finished. */
  function fast(finish: boolean): boolean {
    for (;;) {
      if (w.lookahead < MIN_LOOKAHEAD) {
        fillWindow();
        if (w.lookahead < MIN_LOOKAHEAD && !finish) return true;
        if (w.lookahead === 0) break;
      }
      let hashHead = 0;
      if (w.lookahead >= MIN_MATCH) hashHead = insertString(w, w.strStart);
      if (hashHead !== 0 && w.strStart - hashHead <= maxDist(w)) {
        w.matchLength = longestMatch(w, hashHead, true);
      }
      let bflush: boolean;
      if (w.matchLength >= MIN_MATCH) {
        bflush = blocks.tallyMatch(w.strStart - w.matchStart, w.matchLength - MIN_MATCH);
        w.lookahead -= w.matchLength;
        if (w.matchLength <= w.maxLazy && w.lookahead >= MIN_MATCH) {
          w.matchLength--;
          do {
            w.strStart++;
            insertString(w, w.strStart);
          } while (--w.matchLength !== 0);
          w.strStart++;
        } else {
          w.strStart += w.matchLength;
          w.matchLength = 0;
          w.insH = w.window[w.strStart] as number;
          w.insH = updateHash(w, w.insH, w.window[w.strStart + 1] as number);
        }
      } else {
        bflush = blocks.tallyLiteral(w.window[w.strStart] as number);
        w.lookahead--;
        w.strStart++;
      }
      if (bflush) flush(false);
    }
    flush(true);
    return false;
  }

  /** deflate_slow: the loop runs in `lazyLoop`, between fills and flushes. */
  function slow(finish: boolean): boolean {
    const symbols = blocks.symbols;
    const filtered = options.strategy === 1;
    for (;;) {
      if (w.lookahead < MIN_LOOKAHEAD) {
        fillWindow();
        if (w.lookahead < MIN_LOOKAHEAD && !finish) return true;
        if (w.lookahead === 0) break;
      }
      if (lazyLoop(w, symbols, filtered)) flushTo(w.flushAt, false);
    }
    if (w.matchAvailable) {
      blocks.tallyLiteral(w.window[w.strStart - 1] as number);
      w.matchAvailable = false;
    }
    flush(true);
    return false;
  }

  function rle(finish: boolean): boolean {
    const win = w.window;
    for (;;) {
      if (w.lookahead <= MAX_MATCH) {
        fillWindow();
        if (w.lookahead <= MAX_MATCH && !finish) return true;
        if (w.lookahead === 0) break;
      }
      w.matchLength = 0;
      if (w.lookahead >= MIN_MATCH && w.strStart > 0) {
        let scan = w.strStart - 1;
        const prev = win[scan] as number;
        if (prev === win[++scan] && prev === win[++scan] && prev === win[++scan]) {
          const strEnd = w.strStart + MAX_MATCH;
          while (
            prev === win[++scan] &&
            prev === win[++scan] &&
            prev === win[++scan] &&
            prev === win[++scan] &&
            prev === win[++scan] &&
            prev === win[++scan] &&
            prev === win[++scan] &&
            prev === win[++scan] &&
            scan < strEnd
          ) {
            // keep scanning
          }
          w.matchLength = MAX_MATCH - (strEnd - scan);
          if (w.matchLength > w.lookahead) w.matchLength = w.lookahead;
        }
      }
      let bflush: boolean;
      if (w.matchLength >= MIN_MATCH) {
        bflush = blocks.tallyMatch(1, w.matchLength - MIN_MATCH);
        w.lookahead -= w.matchLength;
        w.strStart += w.matchLength;
        w.matchLength = 0;
      } else {
        bflush = blocks.tallyLiteral(win[w.strStart] as number);
        w.lookahead--;
        w.strStart++;
      }
      if (bflush) flush(false);
    }
    flush(true);
    return false;
  }

  function huff(finish: boolean): boolean {
    for (;;) {
      if (w.lookahead === 0) {
        fillWindow();
        if (w.lookahead === 0) {
          if (!finish) return true;
          break;
        }
      }
      w.matchLength = 0;
      const bflush = blocks.tallyLiteral(w.window[w.strStart] as number);
      w.lookahead--;
      w.strStart++;
      if (bflush) flush(false);
    }
    flush(true);
    return false;
  }

  /**
   * zlib's deflateSetDictionary on a fresh raw stream: the tail of `history` (one window at
   * most) enters the window and the hash chains, as if already compressed.
   */
  function prime(history: Uint8Array): void {
    const dictionary = history.subarray(Math.max(0, history.length - w.wSize));
    input.push(dictionary);
    fillWindow();
    while (w.lookahead >= MIN_MATCH) {
      let str = w.strStart;
      let n = w.lookahead - (MIN_MATCH - 1);
      do {
        w.insH = updateHash(w, w.insH, w.window[str + MIN_MATCH - 1] as number);
        w.prev[str & w.wMask] = w.head[w.insH] as number;
        w.head[w.insH] = str;
        str++;
      } while (--n !== 0);
      w.strStart = str;
      w.lookahead = MIN_MATCH - 1;
      fillWindow();
    }
    w.strStart += w.lookahead;
    w.blockStart = w.strStart;
    w.insert = w.lookahead;
    w.lookahead = 0;
    w.matchLength = MIN_MATCH - 1;
    w.prevLength = MIN_MATCH - 1;
    w.matchAvailable = false;
  }

  const step =
    options.strategy === 2 ? huff : options.strategy === 3 ? rle : options.lazy ? slow : fast;
  let done = false;
  return {
    run(finish: boolean): void {
      if (done) return;
      if (!step(finish)) done = true;
    },
    prime,
  };
}

/**
 * The body of zlib's deflate_slow, run from one fill of the window to the next: at least one
 * step, then steps while at least MIN_LOOKAHEAD bytes are ahead, or until a step fills the
 * block (returns true; the block ends at `w.flushAt`). Everything it touches is in locals (the
 * window's state, the symbols tallied inline as zlib's _tr_tally does) and written back on
 * return, and it calls nothing per instance: the same optimised code serves every deflater,
 * and the rare work (fills, flushes) happens in the caller.
 */
function lazyLoop(w: Window, t: BlockSymbols, filtered: boolean): boolean {
  const win = w.window;
  const prev = w.prev;
  const head = w.head;
  const wMask = w.wMask;
  const hashShift = w.hashShift;
  const hashMask = w.hashMask;
  const maxDistance = w.wSize - MIN_LOOKAHEAD;
  const maxLazy = w.maxLazy;
  const goodMatch = w.goodMatch;
  const niceMatch = w.niceMatch;
  const maxChain = w.maxChain;
  const symDist = t.dist;
  const symLc = t.lc;
  const litFreq = t.litFreq;
  const distFreq = t.distFreq;
  const symEnd = t.end;
  let sym = t.count;
  let matches = t.matches;
  let distBits = t.distBits;
  let strStart = w.strStart;
  let lookahead = w.lookahead;
  let insH = w.insH;
  let matchStart = w.matchStart;
  let matchLength = w.matchLength;
  let prevLength = w.prevLength;
  let prevMatch = w.prevMatch;
  let matchAvailable = w.matchAvailable;
  let full = false;
  let flushAt = 0;
  do {
    let hashHead = 0;
    if (lookahead >= MIN_MATCH) {
      insH = ((insH << hashShift) ^ (win[strStart + MIN_MATCH - 1] as number)) & hashMask;
      hashHead = head[insH] as number;
      prev[strStart & wMask] = hashHead;
      head[insH] = strStart;
    }
    prevLength = matchLength;
    prevMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (hashHead !== 0 && prevLength < maxLazy && strStart - hashHead <= maxDistance) {
      const found = findMatch(
        win,
        prev,
        wMask,
        strStart,
        hashHead,
        prevLength,
        matchStart,
        prevLength >= goodMatch ? maxChain >>> 2 : maxChain,
        Math.min(niceMatch, lookahead),
        strStart > maxDistance ? strStart - maxDistance : 0,
      );
      matchStart = found >>> MATCH_LENGTH_BITS;
      matchLength = found & MATCH_LENGTH_MASK;
      if (matchLength > lookahead) matchLength = lookahead;
      if (
        matchLength <= 5 &&
        (filtered || (matchLength === MIN_MATCH && strStart - matchStart > TOO_FAR))
      ) {
        matchLength = MIN_MATCH - 1;
      }
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      const maxInsert = strStart + lookahead - MIN_MATCH;
      const distance = strStart - 1 - prevMatch;
      const lc = prevLength - MIN_MATCH;
      symDist[sym] = distance;
      symLc[sym] = lc;
      const lcode = (LENGTH_CODE[lc] as number) + LITERALS + 1;
      litFreq[lcode] = (litFreq[lcode] as number) + 1;
      const d = distance - 1;
      const dcode = (d < 256 ? DIST_CODE[d] : DIST_CODE[256 + (d >>> 7)]) as number;
      distFreq[dcode] = (distFreq[dcode] as number) + 1;
      distBits += 5 + (EXTRA_DBITS[dcode] as number);
      matches++;
      full = ++sym === symEnd;
      lookahead -= prevLength - 1;
      prevLength -= 2;
      do {
        if (++strStart <= maxInsert) {
          insH = ((insH << hashShift) ^ (win[strStart + MIN_MATCH - 1] as number)) & hashMask;
          prev[strStart & wMask] = head[insH] as number;
          head[insH] = strStart;
        }
      } while (--prevLength !== 0);
      matchAvailable = false;
      matchLength = MIN_MATCH - 1;
      strStart++;
      flushAt = strStart;
    } else if (matchAvailable) {
      const byte = win[strStart - 1] as number;
      symDist[sym] = 0;
      symLc[sym] = byte;
      litFreq[byte] = (litFreq[byte] as number) + 1;
      full = ++sym === symEnd;
      flushAt = strStart;
      strStart++;
      lookahead--;
    } else {
      matchAvailable = true;
      strStart++;
      lookahead--;
    }
  } while (!full && lookahead >= MIN_LOOKAHEAD);
  t.count = sym;
  t.matches = matches;
  t.distBits = distBits;
  w.strStart = strStart;
  w.lookahead = lookahead;
  w.insH = insH;
  w.matchStart = matchStart;
  w.matchLength = matchLength;
  w.prevLength = prevLength;
  w.prevMatch = prevMatch;
  w.matchAvailable = matchAvailable;
  w.flushAt = flushAt;
  return full;
}
