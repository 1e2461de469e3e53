/** Where a deflate block starts: in the compressed bits, and in the inflated bytes. */
export interface BlockStart {
  /** Bit offset of the block header in the stream (bit 0 is the low bit of byte 0). */
  readonly bit: number;
  /** Inflated bytes that come before the block. */
  readonly input: number;
}

/** What {@link createBlockScanner} found once the stream ended. */
export interface ScannedStream {
  /** Every block's start, in order; the first is `{ bit: 0, input: 0 }`. */
  readonly blocks: readonly BlockStart[];
  /** Bit offset just after the final block's end-of-block code. */
  readonly endBit: number;
  /** Inflated length of the whole stream. */
  readonly inflatedLength: number;
}

/**
 * Reads a raw deflate stream (RFC 1951) fed in chunks and records where each block starts,
 * without producing the inflated bytes (literals and matches are only counted).
 */
export interface BlockScanner {
  /** Feed the next compressed bytes. Throws `RangeError` on a malformed stream. */
  push(chunk: Uint8Array): void;
  /** Whether the final block has been read. */
  readonly done: boolean;
  /** Call once the stream's bytes are all pushed; throws `RangeError` if it is incomplete. */
  finish(): ScannedStream;
}

/** Bytes kept unread at the end of the buffer until more arrive (a header or a symbol fits). */
const SLACK = 1024;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A decoding table indexed by the next `bits` bits: `symbol << 4 | length`, -1 for none. */
interface HuffmanTable {
  readonly table: Int32Array;
  readonly bits: number;
}

function buildTable(lengths: ArrayLike<number>): HuffmanTable {
  let max = 0;
  const count = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) {
    const l = lengths[i] as number;
    if (l > 0) {
      count[l] = (count[l] as number) + 1;
      if (l > max) max = l;
    }
  }
  const next = new Uint16Array(16);
  let code = 0;
  for (let b = 1; b < 16; b++) {
    code = (code + (count[b - 1] as number)) << 1;
    next[b] = code;
  }
  const bits = Math.max(1, max);
  const size = 1 << bits;
  const table = new Int32Array(size).fill(-1);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const l = lengths[symbol] as number;
    if (l === 0) continue;
    let c = next[l] as number;
    next[l] = c + 1;
    if (c >= 1 << l) throw new RangeError("deflate: over-subscribed code");
    let reversed = 0;
    for (let i = 0; i < l; i++) {
      reversed = (reversed << 1) | (c & 1);
      c >>= 1;
    }
    for (let j = reversed; j < size; j += 1 << l) table[j] = (symbol << 4) | l;
  }
  return { table, bits };
}

const FIXED_LITERALS = buildTable([
  ...new Array<number>(144).fill(8),
  ...new Array<number>(112).fill(9),
  ...new Array<number>(24).fill(7),
  ...new Array<number>(8).fill(8),
]);
const FIXED_DISTANCES = buildTable(new Array<number>(30).fill(5));

/**
 * A scanner that lists a deflate stream's block starts as its bytes arrive, with bounded
 * memory (the current block's tables and about a kilobyte of input).
 *
 * @example
 * ```ts
 * const scanner = createBlockScanner();
 * for await (const chunk of compressed) scanner.push(chunk);
 * const { blocks, endBit } = scanner.finish();
 * ```
 */
export function createBlockScanner(): BlockScanner {
  let buffer = new Uint8Array(0);
  /** Next unread byte of `buffer`. */
  let pos = 0;
  /** Bits of `buffer` consumed before `buffer[0]`, i.e. the stream offset of buffer[0] × 8. */
  let bufferBase = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let input = 0;
  let done = false;
  let state: "header" | "stored" | "codes" = "header";
  let final = false;
  let literals = FIXED_LITERALS;
  let distances = FIXED_DISTANCES;
  /** Bytes still to skip of a stored block. */
  let storedLeft = 0;
  let endBit = 0;
  const blocks: BlockStart[] = [];

  const bitPosition = (): number => bufferBase + pos * 8 - bitCount;

  function need(n: number): void {
    while (bitCount < n) {
      if (pos >= buffer.length) throw new RangeError("deflate: stream ends early");
      bitBuffer |= (buffer[pos++] as number) << bitCount;
      bitCount += 8;
    }
  }

  function take(n: number): number {
    if (n === 0) return 0;
    need(n);
    const value = bitBuffer & ((1 << n) - 1);
    bitBuffer >>>= n;
    bitCount -= n;
    return value;
  }

  function decode(t: HuffmanTable): number {
    // Peek up to t.bits bits; near the end of the stream fewer may exist.
    while (bitCount < t.bits && pos < buffer.length) {
      bitBuffer |= (buffer[pos++] as number) << bitCount;
      bitCount += 8;
    }
    const entry = t.table[bitBuffer & ((1 << t.bits) - 1)] as number;
    const length = entry & 15;
    if (entry < 0 || length > bitCount) throw new RangeError("deflate: bad code");
    bitBuffer >>>= length;
    bitCount -= length;
    return entry >> 4;
  }

  function readHeader(): void {
    blocks.push({ bit: bitPosition(), input });
    final = take(1) === 1;
    const type = take(2);
    if (type === 0) {
      // Stored: skip to the byte boundary, then LEN and NLEN.
      const drop = bitCount & 7;
      bitBuffer >>>= drop;
      bitCount -= drop;
      pos -= bitCount >> 3;
      bitBuffer = 0;
      bitCount = 0;
      if (pos + 4 > buffer.length) throw new RangeError("deflate: stream ends early");
      const len = (buffer[pos] as number) | ((buffer[pos + 1] as number) << 8);
      const nlen = (buffer[pos + 2] as number) | ((buffer[pos + 3] as number) << 8);
      pos += 4;
      if ((len ^ 0xffff) !== nlen) throw new RangeError("deflate: bad stored block length");
      storedLeft = len;
      input += len;
      state = "stored";
      return;
    }
    if (type === 1) {
      literals = FIXED_LITERALS;
      distances = FIXED_DISTANCES;
    } else if (type === 2) {
      const literalCount = take(5) + 257;
      const distanceCount = take(5) + 1;
      const codeLengthCount = take(4) + 4;
      const codeLengths = new Uint8Array(19);
      for (let i = 0; i < codeLengthCount; i++) {
        codeLengths[CODE_LENGTH_ORDER[i] as number] = take(3);
      }
      const codeTable = buildTable(codeLengths);
      const lengths = new Uint8Array(literalCount + distanceCount);
      let n = 0;
      while (n < lengths.length) {
        const symbol = decode(codeTable);
        if (symbol < 16) {
          lengths[n++] = symbol;
          continue;
        }
        let repeat: number;
        let value = 0;
        if (symbol === 16) {
          if (n === 0) throw new RangeError("deflate: repeat with no previous length");
          value = lengths[n - 1] as number;
          repeat = 3 + take(2);
        } else if (symbol === 17) repeat = 3 + take(3);
        else repeat = 11 + take(7);
        if (n + repeat > lengths.length) throw new RangeError("deflate: too many lengths");
        lengths.fill(value, n, n + repeat);
        n += repeat;
      }
      literals = buildTable(lengths.subarray(0, literalCount));
      distances = buildTable(lengths.subarray(literalCount));
    } else {
      throw new RangeError("deflate: reserved block type");
    }
    state = "codes";
  }

  /**
   * Read symbols until the block ends (true) or the buffer runs low (false). The hot loop of
   * the scanner: state lives in locals and is written back on the way out.
   */
  function readSymbols(safeEnd: number): boolean {
    const lt = literals.table;
    const lBits = literals.bits;
    const lMask = (1 << lBits) - 1;
    const dt = distances.table;
    const dBits = distances.bits;
    const dMask = (1 << dBits) - 1;
    const buf = buffer;
    const length = buf.length;
    let p = pos;
    let bb = bitBuffer;
    let bc = bitCount;
    let n = input;
    try {
      while (p < safeEnd) {
        // Up to 24 bits buffered: enough for any code plus its extra bits, one at a time.
        while (bc < 24 && p < length) {
          bb |= (buf[p++] as number) << bc;
          bc += 8;
        }
        let entry = lt[bb & lMask] as number;
        let len = entry & 15;
        if (entry < 0 || len > bc) throw new RangeError("deflate: bad code");
        bb >>>= len;
        bc -= len;
        const symbol = entry >> 4;
        if (symbol < 256) {
          n++;
          continue;
        }
        if (symbol === 256) return true;
        const index = symbol - 257;
        const base = LENGTH_BASE[index];
        if (base === undefined) throw new RangeError("deflate: bad length code");
        const lengthExtra = LENGTH_EXTRA[index] as number;
        if (lengthExtra > bc) throw new RangeError("deflate: stream ends early");
        n += base + (bb & ((1 << lengthExtra) - 1));
        bb >>>= lengthExtra;
        bc -= lengthExtra;
        while (bc < 24 && p < length) {
          bb |= (buf[p++] as number) << bc;
          bc += 8;
        }
        entry = dt[bb & dMask] as number;
        len = entry & 15;
        if (entry < 0 || len > bc) throw new RangeError("deflate: bad code");
        bb >>>= len;
        bc -= len;
        const distanceExtra = DISTANCE_EXTRA[entry >> 4];
        if (distanceExtra === undefined) throw new RangeError("deflate: bad distance code");
        if (distanceExtra > bc) {
          while (bc < 24 && p < length) {
            bb |= (buf[p++] as number) << bc;
            bc += 8;
          }
          if (distanceExtra > bc) throw new RangeError("deflate: stream ends early");
        }
        bb >>>= distanceExtra;
        bc -= distanceExtra;
      }
      return false;
    } finally {
      pos = p;
      bitBuffer = bb;
      bitCount = bc;
      input = n;
    }
  }

  function endBlock(): void {
    if (final) {
      done = true;
      endBit = bitPosition();
    } else {
      state = "header";
    }
  }

  /** Scan what the buffer holds, keeping SLACK bytes unless this is all there is. */
  function run(last: boolean): void {
    const safeEnd = last ? Number.POSITIVE_INFINITY : buffer.length - SLACK;
    while (!done) {
      if (state === "stored") {
        const n = Math.min(storedLeft, buffer.length - pos);
        pos += n;
        storedLeft -= n;
        if (storedLeft > 0) return;
        endBlock();
      } else if (state === "codes") {
        if (!readSymbols(last ? buffer.length + 8 : safeEnd)) return;
        endBlock();
      } else {
        if (pos >= safeEnd) return;
        readHeader();
      }
    }
  }

  return {
    push(chunk: Uint8Array): void {
      if (done) return;
      // Whole bytes read ahead into the bit buffer go back, so that they stay in the buffer.
      const whole = bitCount >> 3;
      pos -= whole;
      bitCount -= whole * 8;
      bitBuffer = bitCount === 0 ? 0 : bitBuffer & ((1 << bitCount) - 1);
      const rest = buffer.subarray(pos);
      const next = new Uint8Array(rest.length + chunk.length);
      next.set(rest);
      next.set(chunk, rest.length);
      bufferBase += pos * 8;
      buffer = next;
      pos = 0;
      run(false);
    },
    get done() {
      return done;
    },
    finish(): ScannedStream {
      if (!done) run(true);
      if (!done) throw new RangeError("deflate: stream ends early");
      return { blocks, endBit, inflatedLength: input };
    },
  };
}
