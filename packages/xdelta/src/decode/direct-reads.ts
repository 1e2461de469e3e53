import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import { VCD_COPY } from "../vcdiff/code-table.js";
import { damaged, foreign } from "./errors.js";
import type { InstructionBatch } from "./instructions.js";
import type { RangeCollector } from "./segment.js";

/**
 * Source copies read straight into the target window. Consecutive COPY instructions that keep
 * the same offset between source and target (a "diagonal": an unchanged stretch of the old
 * file, cut by small edits) are covered by one positioned read of the source into the target;
 * the instructions between them (the edits) run afterwards and overwrite their bytes. This
 * replaces a copy per instruction with one read per stretch, and no intermediate buffer.
 */

/** A stretch is read directly only when it covers at least this many bytes. */
export const MIN_DIRECT_READ = 16 * 1024;
/** Target bytes between two copies of one stretch that belong to other instructions. */
const MAX_GAP = 4 * 1024;
/** A copy off the diagonal this short does not end the stretch (it is copied on top). */
const SMALL_DETOUR = 256;
/** Reads are split into pieces of at most this size. */
const READ_PIECE = 16 * 1024 * 1024;

/** The positioned reads of one batch: target offset, source position and length of each. */
export interface DirectReads {
  count: number;
  targets: number[];
  positions: number[];
  lengths: number[];
}

export function createDirectReads(): DirectReads {
  return { count: 0, targets: [], positions: [], lengths: [] };
}

/**
 * Choose the stretches of `batch` worth a direct read: flags their copies in `direct` (1 =
 * already in place), lists the reads in `reads`, and adds every other source copy to
 * `leftover`. `segmentPosition` is where the window's source segment starts in the source.
 */
export function planDirectReads(
  batch: InstructionBatch,
  segmentLength: number,
  segmentPosition: number,
  direct: Uint8Array,
  reads: DirectReads,
  leftover: RangeCollector,
): void {
  const { count, kinds, sizes, args, targets } = batch;
  reads.count = 0;
  // The open stretch: its first instruction, target range and diagonal (source - target).
  let first = -1;
  let start = 0;
  let end = 0;
  let diagonal = 0;
  const close = (last: number): void => {
    if (first < 0) return;
    const long = end - start >= MIN_DIRECT_READ;
    for (let i = first; i <= last; i++) {
      if (kinds[i] !== VCD_COPY || direct[i] !== 2) continue;
      direct[i] = long ? 1 : 0;
      if (!long) {
        const from = args[i]!;
        leftover.add(from, from + Math.min(sizes[i]!, segmentLength - from));
      }
    }
    if (long) {
      const k = reads.count++;
      reads.targets[k] = start;
      reads.positions[k] = start + diagonal;
      reads.lengths[k] = end - start;
    }
    first = -1;
  };
  for (let i = 0; i < count; i++) {
    direct[i] = 0;
    if (kinds[i] !== VCD_COPY) continue;
    const from = args[i]!;
    if (from >= segmentLength) continue; // a copy from the target window
    const t = targets[i]!;
    const n = Math.min(sizes[i]!, segmentLength - from);
    const d = segmentPosition + from - t;
    if (first >= 0 && d === diagonal && t - end <= MAX_GAP) {
      direct[i] = 2; // in the open stretch, if it turns out long enough
      end = t + n;
      continue;
    }
    if (first >= 0 && n <= SMALL_DETOUR && t - end <= MAX_GAP) {
      leftover.add(from, from + n); // copied over the stretch's bytes afterwards
      continue;
    }
    close(i - 1);
    first = i;
    start = t;
    end = t + n;
    diagonal = d;
    direct[i] = 2;
  }
  close(count - 1);
}

/** What reading into the target needs: `readInto` when the source has it, else `read`. */
type ReadInto = (
  position: number,
  into: Uint8Array,
  offset: number,
  length: number,
) => Promise<number>;

function readerOf(source: RandomAccessSource): ReadInto {
  const readInto = source.readInto?.bind(source);
  if (readInto !== undefined) return readInto;
  return async (position, into, offset, length) => {
    const bytes = await source.read(position, length);
    const n = Math.min(bytes.length, length);
    into.set(n === bytes.length ? bytes : bytes.subarray(0, n), offset);
    return n;
  };
}

/** Perform `reads` into `target`, up to `concurrency` at once. */
export async function performDirectReads(
  source: RandomAccessSource,
  reads: DirectReads,
  target: Uint8Array,
  signal: AbortSignal | undefined,
  concurrency: number,
): Promise<void> {
  if (reads.count === 0) return;
  const readInto = readerOf(source);
  const pieces: number[] = []; // triples: target offset, position, length
  for (let k = 0; k < reads.count; k++) {
    const length = reads.lengths[k]!;
    for (let done = 0; done < length; done += READ_PIECE) {
      pieces.push(
        reads.targets[k]! + done,
        reads.positions[k]! + done,
        Math.min(READ_PIECE, length - done),
      );
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pieces.length) {
      throwIfAborted(signal);
      const offset = pieces[next]!;
      const position = pieces[next + 1]!;
      const length = pieces[next + 2]!;
      next += 3;
      let filled = 0;
      while (filled < length) {
        const got = await foreign(() =>
          readInto(position + filled, target, offset + filled, length - filled),
        );
        if (got <= 0) break;
        filled += got;
      }
      if (filled < length) throw damaged(`the source ends before byte ${position + length}`);
    }
  };
  const workers = Math.max(1, Math.min(concurrency, pieces.length / 3));
  await Promise.all(Array.from({ length: workers }, worker));
}
