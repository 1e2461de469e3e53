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
    window: new Uint8Array(2 * wSize),
    hashMask: hashSize - 1,
    hashShift: Math.floor((o.hashBits + MIN_MATCH - 1) / MIN_MATCH),
    head: new Uint16Array(hashSize),
    prev: new Uint16Array(wSize),
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

/** Move the upper half of the window down: positions drop by wSize in the hash tables too. */
export function slideHash(w: Window): void {
  const { head, prev, wSize } = w;
  const headLength = head.length;
  for (let n = 0; n < headLength; n++) head[n] = Math.max((head[n] as number) - wSize, 0);
  for (let n = 0; n < wSize; n++) prev[n] = Math.max((prev[n] as number) - wSize, 0);
}

/**
 * zlib's longest_match: the longest match at strStart along the chain from `curMatch`,
 * better than prevLength. Like zlib it never compares the third byte (equal hashes make it
 * equal, mostly). `clampToLookahead`: zlib caps nice_match and the result at the lookahead;
 * GNU gzip does not (its caller caps the result).
 */
export function longestMatch(w: Window, start: number, clampToLookahead: boolean): number {
  const win = w.window;
  let curMatch = start;
  let chainLength = w.maxChain;
  const strStart = w.strStart;
  let bestLen = w.prevLength;
  let niceMatch = w.niceMatch;
  const limit = strStart > maxDist(w) ? strStart - maxDist(w) : 0;
  const prev = w.prev;
  const wMask = w.wMask;
  let scanEnd1 = win[strStart + bestLen - 1] as number;
  let scanEnd = win[strStart + bestLen] as number;
  if (w.prevLength >= w.goodMatch) chainLength >>>= 2;
  if (clampToLookahead && niceMatch > w.lookahead) niceMatch = w.lookahead;
  const first = win[strStart] as number;
  const second = win[strStart + 1] as number;
  do {
    // The same tests as zlib, in its order; the third byte is never compared.
    if (
      win[curMatch + bestLen] === scanEnd &&
      win[curMatch + bestLen - 1] === scanEnd1 &&
      win[curMatch] === first &&
      win[curMatch + 1] === second
    ) {
      // zlib compares up to MAX_MATCH bytes from the fourth one on; its unrolled loop ends
      // exactly at MAX_MATCH, so this is the same length.
      let len = 3;
      const delta = curMatch - strStart;
      while (len < MAX_MATCH && win[strStart + len] === win[strStart + len + delta]) len++;
      if (len > bestLen) {
        w.matchStart = curMatch;
        bestLen = len;
        if (len >= niceMatch) break;
        scanEnd1 = win[strStart + bestLen - 1] as number;
        scanEnd = win[strStart + bestLen] as number;
      }
    }
    curMatch = prev[curMatch & wMask] as number;
  } while (curMatch > limit && --chainLength !== 0);
  if (clampToLookahead && bestLen > w.lookahead) return w.lookahead;
  return bestLen;
}
