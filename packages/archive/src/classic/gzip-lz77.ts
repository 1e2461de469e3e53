import type { BlockWriter } from "./block-writer.js";
import type { InputQueue } from "./input-queue.js";
import { MIN_LOOKAHEAD, MIN_MATCH, TOO_FAR } from "./tables.js";
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
  let matchAvailable = false;
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

  function flush(last: boolean): void {
    const stored = w.blockStart >= 0 ? w.window.subarray(w.blockStart, w.strStart) : undefined;
    blocks.flushBlock(stored, w.strStart - w.blockStart, last);
    w.blockStart = w.strStart;
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

  /**
   * gzip's lazy deflate. The loop keeps the window's state in locals and writes it back
   * before anything else reads it (the block writer's split heuristic reads strStart, reads
   * and flushes) and when it returns.
   */
  function slow(finish: boolean): boolean {
    const win = w.window;
    const prev = w.prev;
    const head = w.head;
    const wMask = w.wMask;
    const hashShift = w.hashShift;
    const hashMask = w.hashMask;
    const maxDistance = maxDist(w);
    const searchEnd = w.windowSize - MIN_LOOKAHEAD;
    const maxLazy = w.maxLazy;
    const goodMatch = w.goodMatch;
    const niceMatch = w.niceMatch;
    const maxChain = w.maxChain;
    let strStart = w.strStart;
    let lookahead = w.lookahead;
    let insH = w.insH;
    let matchStart = w.matchStart;
    let length = matchLength;
    let prevLength = w.prevLength;
    let prevMatch = w.prevMatch;
    let available = matchAvailable;
    let needInput = false;
    while (lookahead !== 0) {
      insH = ((insH << hashShift) ^ (win[strStart + MIN_MATCH - 1] as number)) & hashMask;
      const hashHead = head[insH] as number;
      prev[strStart & wMask] = hashHead;
      head[insH] = strStart;
      prevLength = length;
      prevMatch = matchStart;
      length = MIN_MATCH - 1;
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
        length = found & MATCH_LENGTH_MASK;
        if (length > lookahead) length = lookahead;
        if (length === MIN_MATCH && strStart - matchStart > TOO_FAR) length--;
      }
      if (prevLength >= MIN_MATCH && length <= prevLength) {
        w.strStart = strStart;
        const bflush = blocks.tallyMatch(strStart - 1 - prevMatch, prevLength - MIN_MATCH);
        lookahead -= prevLength - 1;
        prevLength -= 2;
        do {
          strStart++;
          insH = ((insH << hashShift) ^ (win[strStart + MIN_MATCH - 1] as number)) & hashMask;
          prev[strStart & wMask] = head[insH] as number;
          head[insH] = strStart;
        } while (--prevLength !== 0);
        available = false;
        length = MIN_MATCH - 1;
        strStart++;
        if (bflush) {
          w.strStart = strStart;
          flush(false);
        }
      } else if (available) {
        w.strStart = strStart;
        if (blocks.tallyLiteral(win[strStart - 1] as number)) flush(false);
        strStart++;
        lookahead--;
      } else {
        available = true;
        strStart++;
        lookahead--;
      }
      if (lookahead < MIN_LOOKAHEAD && !eof) {
        w.strStart = strStart;
        w.lookahead = lookahead;
        w.matchStart = matchStart;
        const ready = ensureLookahead(finish);
        strStart = w.strStart;
        lookahead = w.lookahead;
        matchStart = w.matchStart;
        if (!ready) {
          needInput = true;
          break;
        }
      }
    }
    w.strStart = strStart;
    w.lookahead = lookahead;
    w.insH = insH;
    w.matchStart = matchStart;
    w.prevLength = prevLength;
    w.prevMatch = prevMatch;
    matchLength = length;
    matchAvailable = available;
    if (needInput) return true;
    if (available) {
      w.strStart = strStart;
      blocks.tallyLiteral(win[strStart - 1] as number);
    }
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
