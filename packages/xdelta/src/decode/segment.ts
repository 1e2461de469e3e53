import { VCD_COPY } from "../vcdiff/code-table.js";
import type { InstructionBatch, SegmentBytes } from "./instructions.js";
import { copyBytes } from "./instructions.js";
/**
 * The parts of a window's source segment that its COPY instructions use, gathered into one
 * compact buffer: the decoder reads only those byte ranges (merged when close), never the
 * whole segment, so memory stays bounded by the target window.
 */

/** Merged, sorted ranges of the segment, in segment coordinates, and their bytes. */
export interface SegmentRanges {
  count: number;
  starts: number[];
  ends: number[];
  /** Where each range begins in `bytes`. */
  offsets: number[];
  /** The ranges' bytes back to back (set by the reader; empty until then). */
  bytes: Uint8Array;
}

/** Gaps up to this size between used ranges are read too, to make fewer, larger reads. */
const MERGE_GAP = 16 * 1024;

/** Collects ranges as the planning pass finds them. */
export interface RangeCollector {
  add(start: number, end: number): void;
  /** Sort, merge and lay out; `gapBudget` caps the unused bytes read in merged gaps. */
  finish(gapBudget: number): SegmentRanges;
}

export function createRangeCollector(): RangeCollector {
  let starts: number[] = [];
  let ends: number[] = [];
  return {
    add(start, end) {
      const last = starts.length - 1;
      // Most copies continue or repeat the previous one: merge those on the spot.
      if (last >= 0 && start >= starts[last]! && start <= ends[last]!) {
        if (end > ends[last]!) ends[last] = end;
        return;
      }
      starts.push(start);
      ends.push(end);
    },
    finish(gapBudget) {
      const order = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
      const mergedStarts: number[] = [];
      const mergedEnds: number[] = [];
      let budget = gapBudget;
      for (const i of order) {
        const s = starts[i]!;
        const e = ends[i]!;
        const last = mergedStarts.length - 1;
        if (last >= 0) {
          const gap = s - mergedEnds[last]!;
          if (gap <= 0 || (gap <= MERGE_GAP && gap <= budget)) {
            if (gap > 0) budget -= gap;
            if (e > mergedEnds[last]!) mergedEnds[last] = e;
            continue;
          }
        }
        mergedStarts.push(s);
        mergedEnds.push(e);
      }
      const offsets: number[] = [];
      let total = 0; // where the next range starts in `bytes`
      for (let i = 0; i < mergedStarts.length; i++) {
        offsets.push(total);
        total += mergedEnds[i]! - mergedStarts[i]!;
      }
      starts = [];
      ends = [];
      return {
        count: mergedStarts.length,
        starts: mergedStarts,
        ends: mergedEnds,
        offsets,
        bytes: new Uint8Array(0),
      };
    },
  };
}

/**
 * Index of the range holding segment address `address`, starting the search at `hint`
 * (copies mostly move forward). The address is known to be in some range.
 */
export function findRange(ranges: SegmentRanges, address: number, hint: number): number {
  const { starts, ends } = ranges;
  if (address >= starts[hint]! && address < ends[hint]!) return hint;
  const next = hint + 1;
  if (next < ranges.count && address >= starts[next]! && address < ends[next]!) return next;
  let lo = 0;
  let hi = ranges.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= address) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The execution view of ranges read into one compact buffer. */
export function compactSegment(ranges: SegmentRanges): SegmentBytes {
  let hint = 0;
  return {
    copy(from, length, target, to) {
      const r = findRange(ranges, from, hint);
      hint = r;
      copyBytes(ranges.bytes, ranges.offsets[r]! + (from - ranges.starts[r]!), target, to, length);
    },
  };
}

/** Add the segment part of every COPY of `batch` to `collector`. */
export function collectSegmentCopies(
  batch: InstructionBatch,
  segmentLength: number,
  collector: RangeCollector,
): void {
  const { count, kinds, sizes, args } = batch;
  for (let i = 0; i < count; i++) {
    const from = args[i]!;
    if (kinds[i] !== VCD_COPY || from >= segmentLength) continue;
    collector.add(from, from + Math.min(sizes[i]!, segmentLength - from));
  }
}
