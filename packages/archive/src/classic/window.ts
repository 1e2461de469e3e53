import { zeroedArray } from "./spare-arrays.js";
import { MAX_MATCH, MIN_LOOKAHEAD, MIN_MATCH } from "./tables.js";

/**
 * The sliding window, hash chains and match finder shared by the zlib and GNU gzip
 * flavours. Field names follow zlib's deflate_state.
 */
export interface Window {
  readonly wSize: number;
  readonly wMask: number;
  readonly windowSize: number;
  readonly window: Uint8Array;
  readonly hashMask: number;
  readonly hashShift: number;
  readonly head: Uint16Array;
  readonly prev: Uint16Array;
  insH: number;
  strStart: number;
  blockStart: number;
  lookahead: number;
  matchStart: number;
  matchLength: number;
  prevLength: number;
  prevMatch: number;
  matchAvailable: boolean;
  /** zlib: strings before strStart still to insert once input arrives (`insert`). */
  insert: number;
  /** zlib: bytes zeroed beyond the data so far (`high_water`). */
  highWater: number;
  /** Where a block flush a loop run stopped for ends (the block is blockStart..flushAt). */
  flushAt: number;
  readonly goodMatch: number;
  readonly maxLazy: number;
  readonly niceMatch: number;
  readonly maxChain: number;
}

export interface WindowOptions {
  readonly windowBits: number;
  readonly hashBits: number;
  readonly goodMatch: number;
  readonly maxLazy: number;
  readonly niceMatch: number;
  readonly maxChain: number;
}

export function createWindow(o: WindowOptions): Window {
  const wSize = 1 << o.windowBits;
  const hashSize = 1 << o.hashBits;
  return {
    wSize,
    wMask: wSize - 1,
    windowSize: 2 * wSize,
    window: zeroedArray("u8", 2 * wSize),
    hashMask: hashSize - 1,
    hashShift: Math.floor((o.hashBits + MIN_MATCH - 1) / MIN_MATCH),
    // Own buffers of an even length (hashBits >= 8): slideHash reads them as 32-bit words.
    head: zeroedArray("u16", hashSize),
    prev: zeroedArray("u16", wSize),
    insH: 0,
    strStart: 0,
    blockStart: 0,
    lookahead: 0,
    matchStart: 0,
    matchLength: MIN_MATCH - 1,
    prevLength: MIN_MATCH - 1,
    prevMatch: 0,
    matchAvailable: false,
    insert: 0,
    highWater: 0,
    flushAt: 0,
    goodMatch: o.goodMatch,
    maxLazy: o.maxLazy,
    niceMatch: o.niceMatch,
    maxChain: o.maxChain,
  };
}

/** Largest distance a match may have. */
export function maxDist(w: Window): number {
  return w.wSize - MIN_LOOKAHEAD;
}

export function updateHash(w: Window, h: number, c: number): number {
  return ((h << w.hashShift) ^ c) & w.hashMask;
}

/** Insert the string at `str` in the hash table; returns the previous head of its chain. */
export function insertString(w: Window, str: number): number {
  w.insH = updateHash(w, w.insH, w.window[str + MIN_MATCH - 1] as number);
  const head = w.head[w.insH] as number;
  w.prev[str & w.wMask] = head;
  w.head[w.insH] = str;
  return head;
}

/**
 * Move the upper half of the window down: positions drop by wSize in the hash tables too,
 * those below it become 0. Branch-free: the positions are about half above and half below
 * wSize, so a branch would be mispredicted half the time.
 */
export function slideHash(w: Window): void {
  if (w.wSize === 0x8000) {
    // The usual 32 KiB window: a position at or above 0x8000 has its top bit set and drops
    // to its low 15 bits, any other becomes 0. Two 16-bit positions per 32-bit word: the top
    // bit of each half, moved down to bit 0 of that half and multiplied by 0x7fff, masks it.
    slideWords(new Uint32Array(w.head.buffer, w.head.byteOffset, w.head.length >>> 1));
    slideWords(new Uint32Array(w.prev.buffer, w.prev.byteOffset, w.prev.length >>> 1));
    return;
  }
  slideHalves(w.head, w.wSize);
  slideHalves(w.prev, w.wSize);
}

function slideWords(words: Uint32Array): void {
  for (let n = words.length - 1; n >= 0; n--) {
    const x = words[n] as number;
    words[n] = x & Math.imul((x & 0x80008000) >>> 15, 0x7fff);
  }
}

function slideHalves(table: Uint16Array, wSize: number): void {
  for (let n = table.length - 1; n >= 0; n--) {
    const d = (table[n] as number) - wSize;
    table[n] = d & ~(d >> 31);
  }
}

/** Bits of a packed `findMatch` result that hold the length (MAX_MATCH < 512). */
export const MATCH_LENGTH_BITS = 9;
export const MATCH_LENGTH_MASK = (1 << MATCH_LENGTH_BITS) - 1;

/**
 * zlib's longest_match, on plain numbers so that the callers' loops keep their state in
 * locals: the longest match at `strStart` along the hash chain from `curMatch`, better than
 * `prevLength`. Returns `(matchStart << MATCH_LENGTH_BITS) | bestLength`, where matchStart is
 * `matchStart` unchanged when nothing better was found (as zlib leaves match_start).
 * `chainLength` and `niceMatch` come already adjusted (good_match, lookahead) by the caller;
 * `limit` is the lowest position that may not be matched. Like zlib it never compares the
 * third byte (equal hashes make it equal, mostly), and reads up to MAX_MATCH bytes past
 * `strStart` whatever the lookahead (the caller caps the length).
 */
export function findMatch(
  win: Uint8Array,
  prev: Uint16Array,
  wMask: number,
  strStart: number,
  curMatch: number,
  prevLength: number,
  matchStart: number,
  chainLength: number,
  niceMatch: number,
  limit: number,
): number {
  let cur = curMatch;
  let chain = chainLength;
  let bestLen = prevLength;
  let bestStart = matchStart;
  let scanEnd1 = win[strStart + bestLen - 1] as number;
  let scanEnd = win[strStart + bestLen] as number;
  const first = win[strStart] as number;
  const second = win[strStart + 1] as number;
  const strEnd = strStart + MAX_MATCH;
  do {
    // The same tests as zlib, in its order; the third byte is never compared.
    if (
      win[cur + bestLen] === scanEnd &&
      win[cur + bestLen - 1] === scanEnd1 &&
      win[cur] === first &&
      win[cur + 1] === second
    ) {
      // zlib compares from the fourth byte on, up to MAX_MATCH bytes (its unrolled loop ends
      // exactly there): the length is the first mismatch, or MAX_MATCH. A plain loop: V8
      // runs it faster than the eight-way unrolled one (and compiles it sooner).
      let scan = strStart + 3;
      let match = cur + 3;
      while (scan < strEnd && win[scan] === win[match]) {
        scan++;
        match++;
      }
      const len = scan - strStart;
      if (len > bestLen) {
        bestStart = cur;
        bestLen = len;
        if (len >= niceMatch) break;
        scanEnd1 = win[strStart + bestLen - 1] as number;
        scanEnd = win[strStart + bestLen] as number;
      }
    }
    cur = prev[cur & wMask] as number;
  } while (cur > limit && --chain !== 0);
  return (bestStart << MATCH_LENGTH_BITS) | bestLen;
}

/**
 * zlib's longest_match on the window's state (for the non-lazy levels): sets matchStart.
 * `clampToLookahead`: zlib caps nice_match and the result at the lookahead; GNU gzip does not
 * (its caller caps the result).
 */
export function longestMatch(w: Window, start: number, clampToLookahead: boolean): number {
  const strStart = w.strStart;
  const limit = strStart > maxDist(w) ? strStart - maxDist(w) : 0;
  const chain = w.prevLength >= w.goodMatch ? w.maxChain >>> 2 : w.maxChain;
  const nice = clampToLookahead && w.niceMatch > w.lookahead ? w.lookahead : w.niceMatch;
  const found = findMatch(
    w.window,
    w.prev,
    w.wMask,
    strStart,
    start,
    w.prevLength,
    w.matchStart,
    chain,
    nice,
    limit,
  );
  w.matchStart = found >>> MATCH_LENGTH_BITS;
  const bestLen = found & MATCH_LENGTH_MASK;
  if (clampToLookahead && bestLen > w.lookahead) return w.lookahead;
  return bestLen;
}
