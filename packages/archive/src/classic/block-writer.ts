import {
  BASE_DIST,
  BASE_LENGTH,
  BL_ORDER,
  D_CODES,
  DIST_CODE,
  distanceCode,
  END_BLOCK,
  EXTRA_DBITS,
  EXTRA_LBITS,
  L_CODES,
  LENGTH_CODE,
  LITERALS,
  REP_3_6,
  REPZ_3_10,
  REPZ_11_138,
  STATIC_DTREE_CODE,
  STATIC_DTREE_LEN,
  STATIC_LTREE_CODE,
  STATIC_LTREE_LEN,
} from "./tables.js";
import { spareArrays, zeroedArray } from "./spare-arrays.js";
import type { Tree } from "./trees.js";
import { buildBitLengthTree, buildTree, createTree, createTreeScratch } from "./trees.js";

/** When a block is flushed early to keep it compressing well (GNU gzip's heuristic). */
export type BlockSplit = "zlib" | "gzip";

/**
 * The current block's symbols (zlib's sym_buf and the trees' frequencies), which the lz77
 * loops append to inline, as zlib's _tr_tally macros do: for a literal `dist[count] = 0`,
 * `lc[count] = byte`, `litFreq[byte]++`; for a match `dist[count] = distance`,
 * `lc[count] = length - MIN_MATCH`, `litFreq[LENGTH_CODE[lc] + LITERALS + 1]++`,
 * `distFreq[distanceCode(distance - 1)]++`, `matches++` and `distBits += 5 + extra bits of
 * that distance code`; then `count++`. The block must be flushed when `count === end`, or
 * when `splitCheck` and `splitsEarly` say so.
 */
export interface BlockSymbols {
  readonly dist: Uint16Array;
  readonly lc: Uint8Array;
  readonly litFreq: Uint16Array;
  readonly distFreq: Uint16Array;
  /** Symbols in a full block: zlib's lit_bufsize - 1. */
  readonly end: number;
  /** Whether GNU gzip's early split applies (the gzip flavour above level 2). */
  readonly splitCheck: boolean;
  count: number;
  matches: number;
  /** For the split estimate: each match's distance code's 5 + extra bits, summed. */
  distBits: number;
}

/**
 * GNU gzip's (and Info-ZIP's) early end of a block: every 4096 symbols, when fewer than half
 * of them are matches and the block's estimated output is under half its input. The estimate
 * is 8 bits a symbol plus `distBits`; `inputLength` is the input the block covers so far.
 */
export function splitsEarly(
  count: number,
  matches: number,
  distBits: number,
  inputLength: number,
): boolean {
  return (
    (count & 0xfff) === 0 && matches < count >> 1 && (count * 8 + distBits) >> 3 < inputLength >> 1
  );
}

/**
 * Symbols of the current block, the trees, and the bit output: zlib's trees.c. Output bytes
 * accumulate in `take()`-able pieces.
 */
export interface BlockWriter {
  /** The current block's symbols, for callers that tally inline. */
  readonly symbols: BlockSymbols;
  /** Record a literal; returns whether the block must be flushed now. */
  tallyLiteral(byte: number): boolean;
  /** Record a match; returns whether the block must be flushed now. */
  tallyMatch(distance: number, lengthMinusMin: number): boolean;
  /** Whether symbols are pending. */
  readonly hasSymbols: boolean;
  /**
   * Emit the block: stored (when `stored` is given and that is smallest), fixed or dynamic.
   * `storedLength` is the number of input bytes the block covers.
   */
  flushBlock(stored: Uint8Array | undefined, storedLength: number, last: boolean): void;
  /** Output bytes produced so far and not yet taken. */
  take(): Uint8Array | undefined;
  /** Give the writer's arrays to later writers; it is not used afterwards. */
  dispose(): void;
}

export interface BlockWriterOptions {
  /** Symbols per block: zlib's lit_bufsize (1 << (memLevel + 6)). A block ends at this minus one. */
  readonly symbolBuffer: number;
  /** Fixed Huffman codes only (Z_FIXED). */
  readonly fixedOnly: boolean;
  readonly split: BlockSplit;
  /** For the gzip split heuristic: bytes of input the block covers so far. */
  readonly blockInputLength?: () => number;
  /** Level, for the gzip split heuristic (only above 2). */
  readonly level: number;
}

/**
 * The bit output of a block writer. The functions that write to it are module-level and take
 * it as an argument, so that each has one optimised form for every writer: closures made per
 * writer would each be a different call target, and a deflater is made per job.
 */
interface BitOutput {
  out: Uint8Array;
  outLength: number;
  bitBuffer: number;
  bitCount: number;
}

/** Room for `n` more output bytes. */
function reserve(o: BitOutput, n: number): void {
  if (o.outLength + n <= o.out.length) return;
  let size = o.out.length * 2;
  while (size < o.outLength + n) size *= 2;
  const bigger = new Uint8Array(size);
  bigger.set(o.out.subarray(0, o.outLength));
  o.out = bigger;
}

function putByte(o: BitOutput, b: number): void {
  if (o.outLength === o.out.length) reserve(o, 1);
  o.out[o.outLength++] = b;
}

function sendBits(o: BitOutput, value: number, length: number): void {
  let buf = o.bitBuffer | (value << o.bitCount);
  let count = o.bitCount + length;
  while (count >= 8) {
    putByte(o, buf & 0xff);
    buf >>>= 8;
    count -= 8;
  }
  o.bitBuffer = buf;
  o.bitCount = count;
}

function windup(o: BitOutput): void {
  if (o.bitCount > 0) putByte(o, o.bitBuffer & 0xff);
  o.bitBuffer = 0;
  o.bitCount = 0;
}

function sendCode(o: BitOutput, tree: Tree, symbol: number): void {
  sendBits(o, tree.fc[symbol] as number, tree.dl[symbol] as number);
}

/**
 * The block's symbols with the given codes. The bit buffer and output position are in
 * locals, room for the whole block is made once up front (at most 48 bits a symbol), and
 * the buffer is emptied 16 bits at a time without a branch: the two bytes are always
 * stored and the position advances only when 16 bits are there (`count & 16`; the buffer
 * holds at most 31 bits), since whether it does is as good as random.
 */
function compressBlock(
  bits: BitOutput,
  block: BlockSymbols,
  lcode: Uint16Array,
  llen: Uint16Array,
  dcode: Uint16Array,
  dlen: Uint16Array,
): void {
  const symbols = block.count;
  const symDist = block.dist;
  const symLc = block.lc;
  reserve(bits, symbols * 6 + 8);
  const o = bits.out;
  let at = bits.outLength;
  let buf = bits.bitBuffer;
  let count = bits.bitCount;
  let full = 0;
  for (let i = 0; i < symbols; i++) {
    const dist = symDist[i] as number;
    const lc = symLc[i] as number;
    if (dist === 0) {
      buf |= (lcode[lc] as number) << count;
      count += llen[lc] as number;
    } else {
      const code = LENGTH_CODE[lc] as number;
      buf |= (lcode[code + LITERALS + 1] as number) << count;
      count += llen[code + LITERALS + 1] as number;
      full = count & 16;
      o[at] = buf;
      o[at + 1] = buf >>> 8;
      at += full >>> 3;
      buf >>>= full;
      count -= full;
      // The mask makes the extra bits 0 where there are none (length 258's code has no
      // extra bits, and lc minus its base is not 0).
      const extra = EXTRA_LBITS[code] as number;
      buf |= ((lc - (BASE_LENGTH[code] as number)) & ((1 << extra) - 1)) << count;
      count += extra;
      const d = dist - 1;
      const dc = DIST_CODE[d < 256 ? d : 256 + (d >>> 7)] as number;
      full = count & 16;
      o[at] = buf;
      o[at + 1] = buf >>> 8;
      at += full >>> 3;
      buf >>>= full;
      count -= full;
      buf |= (dcode[dc] as number) << count;
      count += dlen[dc] as number;
      full = count & 16;
      o[at] = buf;
      o[at + 1] = buf >>> 8;
      at += full >>> 3;
      buf >>>= full;
      count -= full;
      buf |= (d - (BASE_DIST[dc] as number)) << count;
      count += EXTRA_DBITS[dc] as number;
    }
    full = count & 16;
    o[at] = buf;
    o[at + 1] = buf >>> 8;
    at += full >>> 3;
    buf >>>= full;
    count -= full;
  }
  bits.outLength = at;
  bits.bitBuffer = buf;
  bits.bitCount = count;
  sendBits(bits, lcode[END_BLOCK] as number, llen[END_BLOCK] as number);
}

/** A tree's code lengths, run-length coded with the bit-length tree's codes. */
function sendTree(o: BitOutput, tree: Tree, bitLengths: Tree): void {
  const dl = tree.dl;
  const maxCode = tree.maxCode;
  let prevLen = -1;
  let nextLen = dl[0] as number;
  let count = 0;
  let maxCount = 7;
  let minCount = 4;
  if (nextLen === 0) {
    maxCount = 138;
    minCount = 3;
  }
  for (let n = 0; n <= maxCode; n++) {
    const curLen = nextLen;
    nextLen = dl[n + 1] as number;
    if (++count < maxCount && curLen === nextLen) continue;
    if (count < minCount) {
      do sendCode(o, bitLengths, curLen);
      while (--count !== 0);
    } else if (curLen !== 0) {
      if (curLen !== prevLen) {
        sendCode(o, bitLengths, curLen);
        count--;
      }
      sendCode(o, bitLengths, REP_3_6);
      sendBits(o, count - 3, 2);
    } else if (count <= 10) {
      sendCode(o, bitLengths, REPZ_3_10);
      sendBits(o, count - 3, 3);
    } else {
      sendCode(o, bitLengths, REPZ_11_138);
      sendBits(o, count - 11, 7);
    }
    count = 0;
    prevLen = curLen;
    if (nextLen === 0) {
      maxCount = 138;
      minCount = 3;
    } else if (curLen === nextLen) {
      maxCount = 6;
      minCount = 3;
    } else {
      maxCount = 7;
      minCount = 4;
    }
  }
}

export function createBlockWriter(options: BlockWriterOptions): BlockWriter {
  const literals = createTree("literal");
  const distances = createTree("distance");
  const bitLengths = createTree("bitlength");
  const scratch = createTreeScratch();
  const symbolEnd = options.symbolBuffer - 1;
  const symDist = zeroedArray("u16", options.symbolBuffer);
  const symLc = zeroedArray("u8", options.symbolBuffer);
  const block: BlockSymbols = {
    dist: symDist,
    lc: symLc,
    litFreq: literals.fc,
    distFreq: distances.fc,
    end: symbolEnd,
    splitCheck: options.split === "gzip" && options.level > 2,
    count: 0,
    matches: 0,
    distBits: 0,
  };
  const bits: BitOutput = {
    out: zeroedArray("u8", 64 * 1024),
    outLength: 0,
    bitBuffer: 0,
    bitCount: 0,
  };

  function initBlock(): void {
    literals.fc.fill(0, 0, L_CODES);
    distances.fc.fill(0, 0, D_CODES);
    bitLengths.fc.fill(0, 0, bitLengths.elems);
    literals.fc[END_BLOCK] = 1;
    scratch.optLen = 0;
    scratch.staticLen = 0;
    block.count = 0;
    block.matches = 0;
    block.distBits = 0;
  }
  initBlock();

  function shouldSplitEarly(): boolean {
    if (!block.splitCheck) return false;
    const inLength = options.blockInputLength?.() ?? 0;
    return splitsEarly(block.count, block.matches, block.distBits, inLength);
  }

  return {
    symbols: block,
    tallyLiteral(byte: number): boolean {
      const n = block.count;
      symDist[n] = 0;
      symLc[n] = byte;
      literals.fc[byte] = (literals.fc[byte] as number) + 1;
      block.count = n + 1;
      return n + 1 === symbolEnd || shouldSplitEarly();
    },
    tallyMatch(distance: number, lengthMinusMin: number): boolean {
      const n = block.count;
      symDist[n] = distance;
      symLc[n] = lengthMinusMin;
      block.matches++;
      const lcode = (LENGTH_CODE[lengthMinusMin] as number) + LITERALS + 1;
      literals.fc[lcode] = (literals.fc[lcode] as number) + 1;
      const dcode = distanceCode(distance - 1);
      distances.fc[dcode] = (distances.fc[dcode] as number) + 1;
      block.distBits += 5 + (EXTRA_DBITS[dcode] as number);
      block.count = n + 1;
      return n + 1 === symbolEnd || shouldSplitEarly();
    },
    get hasSymbols() {
      return block.count !== 0;
    },
    flushBlock(stored: Uint8Array | undefined, storedLength: number, last: boolean): void {
      buildTree(scratch, literals);
      buildTree(scratch, distances);
      const maxBlIndex = buildBitLengthTree(scratch, literals, distances, bitLengths);
      let optLenBytes = Math.floor((scratch.optLen + 3 + 7) / 8);
      const staticLenBytes = Math.floor((scratch.staticLen + 3 + 7) / 8);
      if (staticLenBytes <= optLenBytes || options.fixedOnly) optLenBytes = staticLenBytes;
      const flag = last ? 1 : 0;
      if (storedLength + 4 <= optLenBytes && stored !== undefined) {
        sendBits(bits, flag, 3);
        windup(bits);
        putByte(bits, storedLength & 0xff);
        putByte(bits, (storedLength >>> 8) & 0xff);
        putByte(bits, ~storedLength & 0xff);
        putByte(bits, (~storedLength >>> 8) & 0xff);
        reserve(bits, storedLength);
        bits.out.set(stored.subarray(0, storedLength), bits.outLength);
        bits.outLength += storedLength;
      } else if (staticLenBytes === optLenBytes) {
        sendBits(bits, 2 + flag, 3);
        compressBlock(
          bits,
          block,
          STATIC_LTREE_CODE,
          STATIC_LTREE_LEN,
          STATIC_DTREE_CODE,
          STATIC_DTREE_LEN,
        );
      } else {
        sendBits(bits, 4 + flag, 3);
        const lcodes = literals.maxCode + 1;
        const dcodes = distances.maxCode + 1;
        const blcodes = maxBlIndex + 1;
        sendBits(bits, lcodes - 257, 5);
        sendBits(bits, dcodes - 1, 5);
        sendBits(bits, blcodes - 4, 4);
        for (let rank = 0; rank < blcodes; rank++) {
          sendBits(bits, bitLengths.dl[BL_ORDER[rank] as number] as number, 3);
        }
        sendTree(bits, literals, bitLengths);
        sendTree(bits, distances, bitLengths);
        compressBlock(bits, block, literals.fc, literals.dl, distances.fc, distances.dl);
      }
      initBlock();
      if (last) windup(bits);
    },
    take(): Uint8Array | undefined {
      if (bits.outLength === 0) return undefined;
      const piece = bits.out.slice(0, bits.outLength);
      bits.outLength = 0;
      return piece;
    },
    dispose(): void {
      spareArrays([symDist, symLc, bits.out]);
    },
  };
}
