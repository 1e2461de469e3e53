/**
 * The dgd matcher: an index of seeds over (a region of) the reference, and a scan of each
 * target window that finds approximate matches in the manner of bsdiff: a seed found through
 * the index is extended forwards and backwards for as long as at least half of the bytes
 * agree, so a copy may carry byte differences (a recompiled executable's shifted addresses),
 * which the diff stream records and its compressor squeezes, being mostly zeros.
 */

import { gearTable } from "@dg/core";
import { ByteWriter } from "./format.js";

/** Bytes hashed per seed. */
export const SEED_LENGTH = 12;
/** Slots probed per lookup (and per insertion). */
const PROBES = 4;
/** A new diagonal must beat the current one by more than this many matching bytes. */
const SWITCH_MARGIN = 32;
/**
 * Matches are verified up to this length: a longer one is taken a piece at a time, so the
 * work at each position is bounded.
 */
const MAX_VERIFY = 1 << 14;

/**
 * A backward extension stops once it is this many differing bytes (net of agreeing ones)
 * past its best start: it walks no further into the previous copy, which is on another
 * diagonal (bsdiff walks all of it, so the work per copy grew with the previous one's length).
 */
const GIVE_UP = 1 << 10;

/** Positions hashed per pass of the index build (two scratch arrays of this many). */
const INDEX_CHUNK = 1 << 14;

/**
 * Anchors are chosen by a gear hash (one table load, a shift and an add a byte). Its bit `j`
 * depends on the last `j + 1` bytes only, so an anchor is tested on bits below SEED_LENGTH:
 * whether a position is an anchor depends on its seed's bytes alone.
 */
/** The sparsest seeds: one in 2^SEED_LENGTH positions. */
const MAX_SPACING = 1 << SEED_LENGTH;
/** The gear table of the anchor test's rolling hash. */
const GEAR = gearTable(0x2545f491);

/** The hash of the seed at `p` (its SEED_LENGTH bytes, three little-endian words). */
function seedHash(view: DataView, p: number): number {
  const a = view.getInt32(p, true);
  const b = view.getInt32(p + 4, true);
  const c = view.getInt32(p + 8, true);
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (a >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ c ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The gear hash of the SEED_LENGTH bytes at `p` (its anchor bits only are used). */
function gearOf(bytes: Uint8Array, p: number): number {
  let g = 0;
  for (let i = 0; i < SEED_LENGTH; i++)
    g = ((g << 1) + (GEAR[bytes[p + i] as number] as number)) | 0;
  return g;
}

/** Seeds over the bytes of one region of the reference. */
export interface ReferenceIndex {
  /** The region's bytes. */
  readonly bytes: Uint8Array;
  /** Absolute position of `bytes[0]` in the reference. */
  readonly base: number;
  /** position + 1 of a seed, 0 = empty. */
  readonly table: Int32Array;
  readonly shift: number;
  /**
   * About one position in `spacing` (a power of two) is a seed: those whose hash passes
   * `isAnchor`, so the target is looked up at the same content-defined positions only.
   */
  readonly anchorMask: number;
  /** The anchor bits are `(gear >>> anchorShift) & anchorMask`. */
  readonly anchorShift: number;
}

export interface IndexLimits {
  /** log2 of the most slots of the table (4 bytes each). */
  readonly maxTableBits: number;
  /** The least spacing of seeds (a power of two; default 4). */
  readonly minSpacing?: number;
  /** A table of an earlier index of the same size to fill again (saves the allocation). */
  readonly reuse?: Int32Array;
}

/**
 * A stretch longer than this whose bytes mostly differ from the reference's on the current
 * diagonal is a rewrite: it ends the copy before it (see `matchWindow`).
 */
const REWRITE_GAP = 64;
/** The least agreement on the diagonal that starts a new copy after a rewritten stretch. */
const MIN_RESUME = 16;

/**
 * How many of target bytes `[from, to)` equal the reference's on the diagonal `offset`
 * (reference position minus target position).
 */
function agreeing(
  old: Uint8Array,
  target: Uint8Array,
  from: number,
  to: number,
  offset: number,
): number {
  const start = Math.max(from, -offset);
  const end = Math.min(to, old.length - offset);
  let agree = 0;
  for (let k = start; k < end; k++) if (old[k + offset] === target[k]) agree++;
  return agree;
}

function slotOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x85ebca6b) >>> shift;
}

/**
 * Runs the byte-comparing helpers on a few small inputs, once: V8 then optimizes each whole
 * with feedback from every branch, instead of compiling it mid-loop on its first long call and
 * dropping back to the interpreter at a branch not yet seen (measured: the first window's
 * scan ran several times slower than a repeat of it).
 */
let warmedUp = false;
function warmUp(): void {
  if (warmedUp) return;
  warmedUp = true;
  const a = new Uint8Array(256);
  const b = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    a[i] = i % 7;
    b[i] = i % 7 === 3 ? 1 : i % 7;
  }
  const av = new DataView(a.buffer);
  const bv = new DataView(b.buffer);
  for (let k = 0; k < 2000; k++) {
    const at = k % 64;
    matchLength(av, at, bv, at, 64 + (k % 5));
    matchLengthBack(av, 200 - at, bv, 200 - at, 64 + (k % 5));
    extendForward(av, at, bv, at, 100);
    extendBackward(av, 200 - at, bv, 200 - at, 100);
    splitOverlap(a, b, at, at, at + 1, at, 40);
  }
  // And a whole small match: a pseudo-random reference, a target with changed bytes, inserted
  // and deleted runs and a moved block.
  const ref = new Uint8Array(1 << 13);
  let x = 0x1234567;
  for (let i = 0; i < ref.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    ref[i] = 97 + ((x >>> 8) % 23);
  }
  const target = new Uint8Array(ref.length + 600);
  target.set(ref.subarray(0, 3000), 0);
  target.set(ref.subarray(3100, 6000), 3000);
  target.set(ref.subarray(0, 700), 5900);
  target.set(ref.subarray(6000), 6600);
  for (let i = 7; i < target.length; i += 301) target[i] = (target[i] as number) ^ 1;
  const streams = createWindowStreams();
  for (let k = 0; k < 8; k++) {
    const index = buildReferenceIndex(ref, 0, { maxTableBits: 12, minSpacing: 1 << (k % 4) });
    matchWindow(index, target, { lastOldEnd: k * 100 }, streams);
  }
}

/**
 * Index `bytes` (the region at `base` of the reference): a seed about every `spacing` bytes,
 * at positions chosen by content, the spacing growing so that the table stays at most half
 * full within `limits`.
 */
export function buildReferenceIndex(
  bytes: Uint8Array,
  base: number,
  limits: IndexLimits,
): ReferenceIndex {
  warmUp();
  const n = bytes.length;
  let spacing = Math.min(MAX_SPACING, Math.max(1, limits.minSpacing ?? 4));
  // Twice as many slots as seeds (at most 2^maxTableBits; sparser seeds past that).
  let bits = 10;
  while (bits < limits.maxTableBits && 2 ** bits * spacing < 2 * n) bits++;
  const slots = 2 ** bits;
  while (spacing * slots < 2 * n && spacing < MAX_SPACING) spacing *= 2;
  const anchorMask = spacing - 1;
  const anchorShift = SEED_LENGTH - Math.log2(spacing);
  let table: Int32Array;
  if (limits.reuse?.length === slots) {
    table = limits.reuse;
    table.fill(0);
  } else {
    table = new Int32Array(slots);
  }
  const shift = 32 - bits;
  if (n >= SEED_LENGTH) {
    // Two passes a chunk at a time: the first rolls the gear hash with no unpredictable
    // branch, writing every position and advancing the count only at anchors; the second
    // hashes the anchors' seeds and inserts them back to back, their cache misses
    // overlapping. The first seed wins a slot: the earliest copy of repeated content. Each
    // pass is a function called once a chunk, so the JIT optimizes it whole, early.
    const chunk = Math.min(INDEX_CHUNK, n - SEED_LENGTH + 1);
    const positions = new Int32Array(chunk + 1);
    const last = n - SEED_LENGTH;
    for (let start = 0; start <= last; start += chunk) {
      const end = Math.min(start + chunk, last + 1);
      const count = anchorPass(bytes, start, end, last, positions, anchorShift, anchorMask);
      insertSeeds(bytes, positions, count, table, shift);
    }
  }
  return { bytes, base, table, shift, anchorMask, anchorShift };
}

/**
 * The positions of `[start, end)` that are anchors, into `positions` (their count returned).
 * The gear hash starts from the seed at `start` alone: the anchor bits depend on no more.
 */
function anchorPass(
  bytes: Uint8Array,
  start: number,
  end: number,
  last: number,
  positions: Int32Array,
  anchorShift: number,
  anchorMask: number,
): number {
  const gear = GEAR;
  let g = gearOf(bytes, start);
  let count = 0;
  for (let p = start; ; ) {
    positions[count] = p;
    count += +(((g >>> anchorShift) & anchorMask) === 0);
    if (p === last) break;
    g = ((g << 1) + (gear[bytes[p + SEED_LENGTH] as number] as number)) | 0;
    if (++p === end) break;
  }
  return count;
}

/** The seeds at `positions[0 .. count)` into the first free of their PROBES slots. */
function insertSeeds(
  bytes: Uint8Array,
  positions: Int32Array,
  count: number,
  table: Int32Array,
  shift: number,
): void {
  const mask = table.length - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < count; k++) {
    const p = positions[k] as number;
    const slot = slotOf(seedHash(view, p), shift);
    const value = p + 1;
    for (let j = 0; j < PROBES; j++) {
      const s = (slot + j) & mask;
      if (table[s] === 0) {
        table[s] = value;
        break;
      }
    }
  }
}

/** Where the previous window's last copy left the reference position (absolute). */
export interface MatchState {
  lastOldEnd: number;
}

/** What one window's scan produces, in the buffers of `WindowStreams`. */
export interface WindowStreams {
  /** Control triples: seek (signed), diff length, extra length. */
  readonly seeks: number[];
  readonly diffLens: number[];
  readonly extraLens: number[];
  /** The diff bytes of the copies, in run form (DGD-FORMAT.md), built as they are found. */
  readonly diffRuns: DiffRunWriter;
  /** Bytes copied (the diff bytes the runs stand for). */
  diffLength: number;
  /** The new bytes (a growable buffer: most windows have few). */
  readonly extra: ByteWriter;
}

/**
 * The diff bytes as runs, written as the copies are found: a varint count of zero bytes, a
 * varint count of non-zero bytes, those bytes; and again. Zero bytes are only counted, so a
 * window's diff bytes (mostly zeros) are never held.
 */
export class DiffRunWriter {
  readonly out = new ByteWriter(1 << 16);
  private readonly literals = new ByteWriter(1 << 12);
  private zeros = 0;
  reset(): void {
    this.out.reset();
    this.literals.reset();
    this.zeros = 0;
  }
  addZeros(count: number): void {
    if (this.literals.length > 0) this.pair();
    this.zeros += count;
  }
  addLiteral(byte: number): void {
    this.literals.u8(byte);
  }
  /** Ends the runs; `out` then holds them. */
  finish(): void {
    if (this.zeros > 0 || this.literals.length > 0) this.pair();
  }
  private pair(): void {
    this.out.varint(this.zeros);
    this.out.varint(this.literals.length);
    this.out.bytes(this.literals.view());
    this.literals.reset();
    this.zeros = 0;
  }
}

export function createWindowStreams(): WindowStreams {
  return {
    seeks: [],
    diffLens: [],
    extraLens: [],
    diffRuns: new DiffRunWriter(),
    diffLength: 0,
    extra: new ByteWriter(1 << 16),
  };
}

/** How many bytes of `a` from `ai` and `b` from `bi` agree, at most `max`: four at a time. */
function matchLength(a: DataView, ai: number, b: DataView, bi: number, max: number): number {
  let n = 0;
  const words = max - 3;
  while (n < words && a.getInt32(ai + n) === b.getInt32(bi + n)) n += 4;
  while (n < max && a.getUint8(ai + n) === b.getUint8(bi + n)) n++;
  return n;
}

/** How many bytes before `ai` in `a` and before `bi` in `b` agree, at most `max`. */
function matchLengthBack(a: DataView, ai: number, b: DataView, bi: number, max: number): number {
  let n = 0;
  const words = max - 3;
  while (n < words && a.getInt32(ai - n - 4) === b.getInt32(bi - n - 4)) n += 4;
  while (n < max && a.getUint8(ai - n - 1) === b.getUint8(bi - n - 1)) n++;
  return n;
}

/**
 * The longest verified match of the seeds at `scan` (up to PROBES of them, from the table):
 * into `found`, whose `len` is 0 and `pos` the previous match's on entry. Of equal matches
 * (copies of the same content in the reference), the one nearest `near`, the current
 * diagonal: a small seek, and the copy that goes on matching.
 */
function probeSeeds(
  index: ReferenceIndex,
  oldView: DataView,
  target: Uint8Array,
  targetView: DataView,
  scan: number,
  near: number,
  found: { len: number; pos: number },
): void {
  const { table, shift, bytes: old } = index;
  const mask = table.length - 1;
  const oldSize = old.length;
  const n = target.length;
  const slot = slotOf(seedHash(targetView, scan), shift);
  let len = 0;
  let pos = found.pos;
  for (let j = 0; j < PROBES; j++) {
    const v = table[(slot + j) & mask] as number;
    if (v === 0) break;
    const p = v - 1;
    if (old[p] !== target[scan]) continue;
    if (len > 0 && (scan + len >= n || p + len >= oldSize || old[p + len] !== target[scan + len])) {
      continue;
    }
    const l = matchLength(
      oldView,
      p,
      targetView,
      scan,
      Math.min(oldSize - p, n - scan, MAX_VERIFY),
    );
    if (l > len || (l === len && Math.abs(p - near) < Math.abs(pos - near))) {
      len = l;
      pos = p;
    }
  }
  found.len = len;
  found.pos = pos;
}

/**
 * How far a copy from `oldAt` to `newAt` may extend forwards (at most `limit` bytes) keeping
 * at least half its bytes agreeing: the length that maximizes agreeing minus differing
 * bytes. That is the end of some run of agreeing bytes, so it steps a run at a time.
 */
function extendForward(
  oldView: DataView,
  oldAt: number,
  targetView: DataView,
  newAt: number,
  limit: number,
): number {
  const limitF = Math.min(limit, oldView.byteLength - oldAt);
  let s = 0;
  let best = 0;
  let lenf = 0;
  for (let i = 0; i < limitF; ) {
    const run = matchLength(oldView, oldAt + i, targetView, newAt + i, limitF - i);
    s += run;
    i += run;
    if (s * 2 - i > best * 2 - lenf) {
      best = s;
      lenf = i;
    }
    i++;
  }
  return lenf;
}

/** `extendForward` backwards: from the bytes before `oldAt` and `newAt`, at most `limit`. */
function extendBackward(
  oldView: DataView,
  oldAt: number,
  targetView: DataView,
  newAt: number,
  limit: number,
): number {
  const limitB = Math.min(limit, oldAt);
  let s = 0;
  let best = 0;
  let lenb = 0;
  for (let i = 0; i < limitB; ) {
    const run = matchLengthBack(oldView, oldAt - i, targetView, newAt - i, limitB - i);
    s += run;
    i += run;
    const score = s * 2 - i;
    if (score > best * 2 - lenb) {
      best = s;
      lenb = i;
    } else if (score < best * 2 - lenb - GIVE_UP) {
      break;
    }
    i++;
  }
  return lenb;
}

/**
 * Where two copies overlap by `overlap` target bytes (the first's last ones from `oldA` and
 * `newA`, the second's first ones from `oldB` and `newB`): how many of them the first keeps,
 * the split where the first agrees most and the second least.
 */
function splitOverlap(
  old: Uint8Array,
  target: Uint8Array,
  oldA: number,
  newA: number,
  oldB: number,
  newB: number,
  overlap: number,
): number {
  let s = 0;
  let best = 0;
  let lens = 0;
  for (let i = 0; i < overlap; i++) {
    if (target[newA + i] === old[oldA + i]) s++;
    if (target[newB + i] === old[oldB + i]) s--;
    if (s > best) {
      best = s;
      lens = i + 1;
    }
  }
  return lens;
}

/**
 * Scan `target` (one window) against `index`, appending control triples and the diff and
 * extra bytes to `out` (reset first). `state` carries the reference position across windows.
 */
export function matchWindow(
  index: ReferenceIndex,
  target: Uint8Array,
  state: MatchState,
  out: WindowStreams,
): void {
  const old = index.bytes;
  const oldSize = old.length;
  const n = target.length;
  const { anchorMask, anchorShift } = index;
  out.seeks.length = 0;
  out.diffLens.length = 0;
  out.extraLens.length = 0;
  out.diffLength = 0;
  out.extra.reset();
  const runs = out.diffRuns;
  runs.reset();
  const extra = out.extra;
  const oldView = new DataView(old.buffer, old.byteOffset, old.byteLength);
  const targetView = new DataView(target.buffer, target.byteOffset, target.byteLength);
  // Reference positions are region-relative here; the decoder's are absolute.
  let oldCursor = state.lastOldEnd - index.base;

  let lastScan = 0;
  let lastPos = Math.min(Math.max(oldCursor, 0), Math.max(oldSize - 1, 0));
  let lastOffset = lastPos;
  let scan = 0;
  let len = 0;
  let pos = 0;

  /** The best seed match of a lookup. */
  const found = { len: 0, pos: 0 };
  // Gear hash of target[hashAt .. hashAt + SEED_LENGTH) (its anchor bits).
  let hashAt = -2;
  let hash = 0;

  const emit = (copyNew: number, copyOld: number, copyLen: number, litEnd: number): void => {
    const litStart = copyNew + copyLen;
    const litLen = litEnd - litStart;
    if (copyLen === 0) {
      // No copy: nothing to record but new bytes, which join the previous entry's (the
      // reference position stays where it was). An entry of neither is left out.
      if (litLen === 0) return;
      const last = out.extraLens.length - 1;
      if (last >= 0) {
        out.extraLens[last] = (out.extraLens[last] as number) + litLen;
      } else {
        out.seeks.push(0);
        out.diffLens.push(0);
        out.extraLens.push(litLen);
      }
      extra.bytes(target.subarray(litStart, litEnd));
      return;
    }
    out.seeks.push(copyOld - oldCursor);
    out.diffLens.push(copyLen);
    // Zero where the bytes agree (most of a copy, counted a run at a time), else the difference.
    for (let i = 0; i < copyLen; ) {
      const run = matchLength(oldView, copyOld + i, targetView, copyNew + i, copyLen - i);
      if (run > 0) {
        runs.addZeros(run);
        i += run;
      }
      if (i < copyLen) {
        runs.addLiteral(((target[copyNew + i] as number) - (old[copyOld + i] as number)) & 0xff);
        i++;
      }
    }
    out.diffLength += copyLen;
    oldCursor = copyOld + copyLen;
    out.extraLens.push(litLen);
    if (litLen > 0) extra.bytes(target.subarray(litStart, litEnd));
  };

  while (scan < n) {
    let oldScore = 0;
    scan += len;
    let scsc = scan;
    const resumed = scan;
    /** Where the backward extension of the new match stops: after a rewrite, at its start. */
    let backFloor = lastScan;
    // The agreement on the current diagonal over [resumed, agreedTo), counted as the scan
    // goes (once per byte: the diagonal does not change within this loop).
    let agreed = 0;
    let agreedTo = resumed;
    for (; scan < n; scan++) {
      // search: the longest verified candidate among the seeds and the current diagonal.
      len = 0;
      if (scan + SEED_LENGTH <= n) {
        if (hashAt === scan - 1) {
          hash = ((hash << 1) + (GEAR[target[scan + SEED_LENGTH - 1] as number] as number)) | 0;
        } else {
          hash = gearOf(target, scan);
        }
        hashAt = scan;
        const probes = ((hash >>> anchorShift) & anchorMask) === 0 ? PROBES : 0;
        const near = scan + lastOffset;
        found.len = 0;
        found.pos = pos;
        if (probes !== 0) {
          probeSeeds(index, oldView, target, targetView, scan, near, found);
          len = found.len;
          pos = found.pos;
        }
      }
      const dp = scan + lastOffset;
      if (dp >= 0 && dp < oldSize && old[dp] === target[scan]) {
        const l = matchLength(
          oldView,
          dp,
          targetView,
          scan,
          Math.min(oldSize - dp, n - scan, MAX_VERIFY),
        );
        // The current diagonal is (one of) the best: it goes on, nothing to switch to.
        // Skipping ahead here also keeps the scan linear where another diagonal matches
        // a little longer without winning (duplicated content in the reference). Unless the
        // bytes since the last agreement mostly differ (a rewritten stretch, not shifted
        // addresses): then the copy so far ends and a new one starts here, on the same
        // diagonal, so that the stretch becomes new bytes instead of ending every copy that
        // follows it (a file rewritten more than half, in place, kept no copy at all); and a
        // chance agreement of a few bytes inside such a stretch is no match.
        let rewritten = false;
        if (l >= len && l > 0 && scan - resumed > REWRITE_GAP) {
          agreed += agreeing(old, target, agreedTo, scan, lastOffset);
          agreedTo = scan;
          rewritten = agreed * 2 < scan - resumed;
        }
        if (l >= len && l > 0 && (!rewritten || l >= MIN_RESUME)) {
          len = l;
          pos = dp;
          oldScore = rewritten ? 0 : len;
          // Extended backwards past the rewrite, the new copy would take the last one's
          // agreeing bytes too, and end it.
          if (rewritten) backFloor = Math.max(lastScan, resumed);
          scsc = scan + len;
          break;
        }
      }
      for (; scsc < scan + len; scsc++) {
        const q = scsc + lastOffset;
        if (q >= 0 && q < oldSize && old[q] === target[scsc]) oldScore++;
      }
      if ((len === oldScore && len !== 0) || len > oldScore + SWITCH_MARGIN) break;
      const q = scan + lastOffset;
      if (q >= 0 && q < oldSize && old[q] === target[scan]) oldScore--;
    }
    if (len !== oldScore || scan === n) {
      // Extend the last match forwards and the new one backwards (no further back than
      // `backFloor`) while at least half their bytes agree; where the two overlap, split them
      // where the bytes agree best.
      let lenf = extendForward(oldView, lastPos, targetView, lastScan, scan - lastScan);
      let lenb = scan < n ? extendBackward(oldView, pos, targetView, scan, scan - backFloor) : 0;
      if (lastScan + lenf > scan - lenb) {
        const overlap = lastScan + lenf - (scan - lenb);
        const lens = splitOverlap(
          old,
          target,
          lastPos + lenf - overlap,
          lastScan + lenf - overlap,
          pos - lenb,
          scan - lenb,
          overlap,
        );
        lenf += lens - overlap;
        lenb -= lens;
      }
      emit(lastScan, lastPos, lenf, scan - lenb);
      lastScan = scan - lenb;
      lastPos = pos - lenb;
      lastOffset = pos - scan;
    }
  }
  // Seeks are differences of positions, the same whether region-relative or absolute.
  runs.finish();
  state.lastOldEnd = oldCursor + index.base;
}
