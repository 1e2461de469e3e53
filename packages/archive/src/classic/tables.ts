/** Constants and static tables of the deflate format (RFC 1951), as zlib arranges them. */

export const MIN_MATCH = 3;
export const MAX_MATCH = 258;
/** Lookahead kept so that a match can always be searched to its full length. */
export const MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
/** Length-3 matches further than this are not worth it (zlib's TOO_FAR). */
export const TOO_FAR = 4096;
export const LITERALS = 256;
export const END_BLOCK = 256;
export const LENGTH_CODES = 29;
export const L_CODES = LITERALS + 1 + LENGTH_CODES;
export const D_CODES = 30;
export const BL_CODES = 19;
export const HEAP_SIZE = 2 * L_CODES + 1;
export const MAX_BITS = 15;
export const MAX_BL_BITS = 7;
export const REP_3_6 = 16;
export const REPZ_3_10 = 17;
export const REPZ_11_138 = 18;

export const EXTRA_LBITS = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
export const EXTRA_DBITS = Uint8Array.from([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
export const EXTRA_BLBITS = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7,
]);
/** The order in which code-length code lengths are sent. */
export const BL_ORDER = Uint8Array.from([
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
]);

/** Length code (0..28) of each match length minus MIN_MATCH (0..255). */
export const LENGTH_CODE = new Uint8Array(256);
/** First match length (minus MIN_MATCH) of each length code. */
export const BASE_LENGTH = new Int32Array(LENGTH_CODES);
/** Distance code of distance-1 for 0..255, then of (distance-1) >> 7 at 256 + … */
export const DIST_CODE = new Uint8Array(512);
/** First distance (minus one) of each distance code. */
export const BASE_DIST = new Int32Array(D_CODES);

/** Fixed Huffman codes (bit-reversed, ready to send) and lengths. */
export const STATIC_LTREE_CODE = new Uint16Array(L_CODES + 2);
export const STATIC_LTREE_LEN = new Uint16Array(L_CODES + 2);
export const STATIC_DTREE_CODE = new Uint16Array(D_CODES);
export const STATIC_DTREE_LEN = new Uint16Array(D_CODES);

/** Reverse the low `length` bits of `code`. */
export function reverseBits(code: number, length: number): number {
  let result = 0;
  let rest = code;
  for (let i = 0; i < length; i++) {
    result = (result << 1) | (rest & 1);
    rest >>>= 1;
  }
  return result;
}

/** Canonical codes for the lengths `len[0..maxCode]`, bit-reversed into `code`. */
export function generateCodes(
  code: Uint16Array,
  len: Uint16Array,
  maxCode: number,
  blCount: Uint16Array,
): void {
  const nextCode = new Uint16Array(MAX_BITS + 1);
  let value = 0;
  for (let bits = 1; bits <= MAX_BITS; bits++) {
    value = (value + (blCount[bits - 1] as number)) << 1;
    nextCode[bits] = value;
  }
  for (let n = 0; n <= maxCode; n++) {
    const length = len[n] as number;
    if (length === 0) continue;
    const c = nextCode[length] as number;
    nextCode[length] = c + 1;
    code[n] = reverseBits(c, length);
  }
}

(function initTables(): void {
  let length = 0;
  for (let code = 0; code < LENGTH_CODES - 1; code++) {
    BASE_LENGTH[code] = length;
    for (let n = 0; n < 1 << (EXTRA_LBITS[code] as number); n++) LENGTH_CODE[length++] = code;
  }
  // Length 258 (255 after MIN_MATCH) has its own code, overwriting the last of code 27.
  LENGTH_CODE[length - 1] = LENGTH_CODES - 1;
  let dist = 0;
  for (let code = 0; code < 16; code++) {
    BASE_DIST[code] = dist;
    for (let n = 0; n < 1 << (EXTRA_DBITS[code] as number); n++) DIST_CODE[dist++] = code;
  }
  dist >>= 7;
  for (let code = 16; code < D_CODES; code++) {
    BASE_DIST[code] = dist << 7;
    for (let n = 0; n < 1 << ((EXTRA_DBITS[code] as number) - 7); n++)
      DIST_CODE[256 + dist++] = code;
  }
  const blCount = new Uint16Array(MAX_BITS + 1);
  for (let n = 0; n <= 287; n++) {
    const bits = n <= 143 ? 8 : n <= 255 ? 9 : n <= 279 ? 7 : 8;
    STATIC_LTREE_LEN[n] = bits;
    blCount[bits] = (blCount[bits] as number) + 1;
  }
  generateCodes(STATIC_LTREE_CODE, STATIC_LTREE_LEN, L_CODES + 1, blCount);
  for (let n = 0; n < D_CODES; n++) {
    STATIC_DTREE_LEN[n] = 5;
    STATIC_DTREE_CODE[n] = reverseBits(n, 5);
  }
})();

/** Distance code of a distance minus one. */
export function distanceCode(distMinusOne: number): number {
  return (
    distMinusOne < 256 ? DIST_CODE[distMinusOne] : DIST_CODE[256 + (distMinusOne >>> 7)]
  ) as number;
}

/** Per level: good_length, max_lazy, nice_length, max_chain; and whether lazy matching is used. */
export interface LevelConfig {
  readonly goodLength: number;
  readonly maxLazy: number;
  readonly niceLength: number;
  readonly maxChain: number;
  readonly lazy: boolean;
}

export const LEVEL_CONFIG: readonly LevelConfig[] = [
  { goodLength: 0, maxLazy: 0, niceLength: 0, maxChain: 0, lazy: false },
  { goodLength: 4, maxLazy: 4, niceLength: 8, maxChain: 4, lazy: false },
  { goodLength: 4, maxLazy: 5, niceLength: 16, maxChain: 8, lazy: false },
  { goodLength: 4, maxLazy: 6, niceLength: 32, maxChain: 32, lazy: false },
  { goodLength: 4, maxLazy: 4, niceLength: 16, maxChain: 16, lazy: true },
  { goodLength: 8, maxLazy: 16, niceLength: 32, maxChain: 32, lazy: true },
  { goodLength: 8, maxLazy: 16, niceLength: 128, maxChain: 128, lazy: true },
  { goodLength: 8, maxLazy: 32, niceLength: 128, maxChain: 256, lazy: true },
  { goodLength: 32, maxLazy: 128, niceLength: 258, maxChain: 1024, lazy: true },
  { goodLength: 32, maxLazy: 258, niceLength: 258, maxChain: 4096, lazy: true },
];
