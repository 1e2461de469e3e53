import type { BlockSymbols, BlockWriter } from "./block-writer.js";
import { splitsEarly } from "./block-writer.js";
import type { InputQueue } from "./input-queue.js";
import {
  DIST_CODE,
  EXTRA_DBITS,
  LENGTH_CODE,
  LITERALS,
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
import type { Lz77 } from "./zlib-lz77.js";

/**
 * GNU gzip's deflate (deflate.c of gzip 1.x, whose lineage Info-ZIP's zip shares): the same
 * matcher as zlib, but it reads its input as a regular file (whole `more`-sized reads), always
 * inserts strings, does not cap its search at the lookahead, stops matching near the end of a
 * window it no longer slides at end of input, and zeroes two bytes after the data.
 * `run(false)` consumes what input there is, waiting whenever a full read is not available;
 * `run(true)` finishes.
 */
export function createGzipLz77(
  w: Window,
  input: InputQueue,
  blocks: BlockWriter,
  lazy: boolean,
): Lz77 {
  let started = false;
  let initialRead = false;
  let eof = false;
  let done = false;
  let matchLength = MIN_MATCH - 1;
  const wSize = w.wSize;

  /** Whether a read of `size` bytes can be served now (a regular file returns it whole). */
  function readable(size: number, finish: boolean): boolean {
    return input.length >= size || finish;
  }

  function fillWindow(): void {
    let more = w.windowSize - w.lookahead - w.strStart;
    if (w.strStart >= wSize + maxDist(w)) {
      w.window.copyWithin(0, wSize, 2 * wSize);
      w.matchStart -= wSize;
      w.strStart -= wSize;
      w.blockStart -= wSize;
      slideHash(w);
      more += wSize;
    }
    if (!eof) {
      const n = input.readInto(w.window, w.strStart + w.lookahead, more);
      if (n === 0) {
        eof = true;
        w.window.fill(0, w.strStart + w.lookahead, w.strStart + w.lookahead + MIN_MATCH - 1);
      } else {
        w.lookahead += n;
      }
    }
  }

  /** Space the next fill would read into (for the wait-for-a-full-read rule). */
  function nextReadSize(): number {
    const more = w.windowSize - w.lookahead - w.strStart;
    return w.strStart >= wSize + maxDist(w) ? more + wSize : more;
  }

  /** Ensure lookahead as gzip does; false when a read must wait for more input. */
  function ensureLookahead(finish: boolean): boolean {
    while (w.lookahead < MIN_LOOKAHEAD && !eof) {
      if (!readable(nextReadSize(), finish)) return false;
      fillWindow();
    }
    return true;
  }

  function start(finish: boolean): boolean {
    if (!initialRead) {
      if (!readable(w.windowSize, finish)) return false;
      w.lookahead = input.readInto(w.window, 0, w.windowSize);
      initialRead = true;
      if (w.lookahead === 0) eof = true;
    }
    if (!ensureLookahead(finish)) return false;
    w.insH = 0;
    for (let j = 0; j < MIN_MATCH - 1; j++) w.insH = updateHash(w, w.insH, w.window[j] as number);
    started = true;
    return true;
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

  function canSearch(hashHead: number): boolean {
    return (
      hashHead !== 0 &&
      w.strStart - hashHead <= maxDist(w) &&
      w.strStart <= w.windowSize - MIN_LOOKAHEAD
    );
  }

  function fast(finish: boolean): boolean {
    while (w.lookahead !== 0) {
      const hashHead = insertString(w, w.strStart);
      if (canSearch(hashHead)) {
        matchLength = longestMatch(w, hashHead, false);
        if (matchLength > w.lookahead) matchLength = w.lookahead;
      }
      let bflush: boolean;
      if (matchLength >= MIN_MATCH) {
        bflush = blocks.tallyMatch(w.strStart - w.matchStart, matchLength - MIN_MATCH);
        w.lookahead -= matchLength;
        if (matchLength <= w.maxLazy) {
          matchLength--;
          do {
            w.strStart++;
            insertString(w, w.strStart);
          } while (--matchLength !== 0);
          w.strStart++;
        } else {
          w.strStart += matchLength;
          matchLength = 0;
          w.insH = w.window[w.strStart] as number;
          w.insH = updateHash(w, w.insH, w.window[w.strStart + 1] as number);
        }
      } else {
        bflush = blocks.tallyLiteral(w.window[w.strStart] as number);
        w.lookahead--;
        w.strStart++;
      }
      if (bflush) flush(false);
      if (!ensureLookahead(finish)) return true;
    }
    flush(true);
    return false;
  }

  /** gzip's lazy deflate: the loop runs in `lazyLoop`, between reads and flushes. */
  function slow(finish: boolean): boolean {
    const symbols = blocks.symbols;
    while (w.lookahead !== 0) {
      if (lazyLoop(w, symbols, eof)) flushTo(w.flushAt, false);
      if (!ensureLookahead(finish)) return true;
    }
    if (w.matchAvailable) blocks.tallyLiteral(w.window[w.strStart - 1] as number);
    flush(true);
    return false;
  }

  /** Where and with what history to continue a stream, until the first read. */
  let continued: { readonly history: Uint8Array; readonly position: number } | undefined;

  /**
   * Continue a stream at `position` as gzip would have reached it: its window, filled by
   * whole reads from the start, slides by wSize each time fewer than MIN_LOOKAHEAD bytes
   * are left ahead, so it starts at the multiple of wSize that the slides so far give; every
   * string of the last wSize bytes is in the hash chains (the lazy levels insert them all).
   * Bytes of the window older than `history` are never matched and stay zero.
   */
  function startContinued(
    from: { readonly history: Uint8Array; readonly position: number },
    finish: boolean,
  ): boolean {
    const { history, position } = from;
    const beyond = position - (w.windowSize - MIN_LOOKAHEAD);
    const base = beyond <= 0 ? 0 : wSize * Math.ceil(beyond / wSize);
    const at = position - base;
    if (!readable(w.windowSize - at, finish)) return false;
    const kept = Math.min(history.length, wSize, at);
    w.window.set(history.subarray(history.length - kept), at - kept);
    w.strStart = at;
    w.blockStart = at;
    w.lookahead = input.readInto(w.window, at, w.windowSize - at);
    initialRead = true;
    if (w.lookahead === 0) eof = true;
    const first = at - kept;
    w.insH = 0;
    for (let j = 0; j < MIN_MATCH - 1; j++) {
      w.insH = updateHash(w, w.insH, w.window[first + j] as number);
    }
    for (let str = first; str < at; str++) insertString(w, str);
    started = true;
    return true;
  }

  return {
    run(finish: boolean): void {
      if (done) return;
      if (!started && !(continued ? startContinued(continued, finish) : start(finish))) return;
      if (!ensureLookahead(finish)) return;
      if (!(lazy ? slow(finish) : fast(finish))) done = true;
    },
    prime(history: Uint8Array, position: number): void {
      continued = { history, position };
    },
  };
}

/**
 * The body of gzip's lazy deflate, run from one read to the next: at least one step, then
 * steps while input is ahead and no read is due (fewer than MIN_LOOKAHEAD bytes ahead before
 * the end of input), or until a step ends the block (returns true; the block ends at
 * `w.flushAt`). Everything it touches is in locals (the window's state, the symbols tallied
 * inline) and written back on return, and it calls nothing per instance: the same optimised
 * code serves every deflater, and the rare work (reads, flushes) happens in the caller.
 */
function lazyLoop(w: Window, t: BlockSymbols, eof: boolean): boolean {
  const win = w.window;
  const prev = w.prev;
  const head = w.head;
  const wMask = w.wMask;
  const hashShift = w.hashShift;
  const hashMask = w.hashMask;
  const maxDistance = w.wSize - MIN_LOOKAHEAD;
  const searchEnd = w.windowSize - MIN_LOOKAHEAD;
  const maxLazy = w.maxLazy;
  const goodMatch = w.goodMatch;
  const niceMatch = w.niceMatch;
  const maxChain = w.maxChain;
  const blockStart = w.blockStart;
  const symDist = t.dist;
  const symLc = t.lc;
  const litFreq = t.litFreq;
  const distFreq = t.distFreq;
  const symEnd = t.end;
  const splitCheck = t.splitCheck;
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
    insH = ((insH << hashShift) ^ (win[strStart + MIN_MATCH - 1] as number)) & hashMask;
    const hashHead = head[insH] as number;
    prev[strStart & wMask] = hashHead;
    head[insH] = strStart;
    prevLength = matchLength;
    prevMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (
      prevLength < maxLazy &&
      hashHead !== 0 &&
      strStart - hashHead <= maxDistance &&
      strStart <= searchEnd
    ) {
      const found = findMatch(
        win,
        prev,
        wMask,
        strStart,
        hashHead,
        prevLength,
        matchStart,
        prevLength >= goodMatch ? maxChain >>> 2 : maxChain,
        niceMatch,
        strStart > maxDistance ? strStart - maxDistance : 0,
      );
      matchStart = found >>> MATCH_LENGTH_BITS;
      matchLength = found & MATCH_LENGTH_MASK;
      if (matchLength > lookahead) matchLength = lookahead;
      if (matchLength === MIN_MATCH && strStart - matchStart > TOO_FAR) matchLength--;
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
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
      sym++;
      full =
        sym === symEnd ||
        (splitCheck && splitsEarly(sym, matches, distBits, strStart - blockStart));
      lookahead -= prevLength - 1;
      prevLength -= 2;
      do {
        strStart++;
        insH = ((insH << hashShift) ^ (win[strStart + MIN_MATCH - 1] as number)) & hashMask;
        prev[strStart & wMask] = head[insH] as number;
        head[insH] = strStart;
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
      sym++;
      full =
        sym === symEnd ||
        (splitCheck && splitsEarly(sym, matches, distBits, strStart - blockStart));
      flushAt = strStart;
      strStart++;
      lookahead--;
    } else {
      matchAvailable = true;
      strStart++;
      lookahead--;
    }
  } while (!full && lookahead !== 0 && (eof || lookahead >= MIN_LOOKAHEAD));
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
