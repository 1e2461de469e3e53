/**
 * Reading a window's source segment: from the source (VCD_SOURCE) or from earlier output
 * (VCD_TARGET), whole or only the ranges the instructions use.
 */
import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted, UnsupportedError } from "@dg/core";
import { damaged, foreign } from "./errors.js";
import type { SegmentRanges } from "./segment.js";

/** A plain Uint8Array over the same bytes: a Buffer's subarray is much slower. */
export function plainView(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Source reads are split into pieces of at most this size (one window is at most 16 MiB in xdelta3). */
const READ_PIECE = 16 * 1024 * 1024;

/** A window of earlier output, kept for VCD_TARGET windows. */
export interface HistoryEntry {
  readonly start: number;
  readonly bytes: Uint8Array;
}

export async function readSourceRanges(
  source: RandomAccessSource,
  segmentPosition: number,
  ranges: SegmentRanges,
  signal: AbortSignal | undefined,
  concurrency: number,
): Promise<void> {
  if (ranges.count === 1 && ranges.ends[0]! - ranges.starts[0]! <= READ_PIECE) {
    // One range (the common case): use the source's buffer as it is, no copy. The port lets
    // the source reuse it on the next read, and there is none before this window is built.
    const position = segmentPosition + ranges.starts[0]!;
    const length = ranges.ends[0]! - ranges.starts[0]!;
    const bytes = await foreign(() => source.read(position, length));
    if (bytes.length < length) throw damaged(`the source ends before byte ${position + length}`);
    ranges.bytes = plainView(bytes.subarray(0, length));
    return;
  }
  const bytes = new Uint8Array(totalLength(ranges));
  ranges.bytes = bytes;
  const pieces: { position: number; length: number; offset: number }[] = [];
  for (let i = 0; i < ranges.count; i++) {
    const end = segmentPosition + ranges.ends[i]!;
    let offset = ranges.offsets[i]!;
    for (let position = segmentPosition + ranges.starts[i]!; position < end; ) {
      const length = Math.min(READ_PIECE, end - position);
      pieces.push({ position, length, offset });
      position += length;
      offset += length;
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pieces.length) {
      throwIfAborted(signal);
      const { position, length, offset } = pieces[next++]!;
      const piece = await foreign(() => source.read(position, length));
      if (piece.length < length) throw damaged(`the source ends before byte ${position + length}`);
      bytes.set(piece.length === length ? piece : piece.subarray(0, length), offset);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, pieces.length)) }, worker),
  );
}

export function totalLength(ranges: SegmentRanges): number {
  const last = ranges.count - 1;
  return last < 0 ? 0 : ranges.offsets[last]! + ranges.ends[last]! - ranges.starts[last]!;
}

export function readHistoryRanges(
  history: readonly HistoryEntry[],
  segmentPosition: number,
  ranges: SegmentRanges,
  maxHistory: number,
): void {
  ranges.bytes = new Uint8Array(totalLength(ranges));
  for (let i = 0; i < ranges.count; i++) {
    let position = segmentPosition + ranges.starts[i]!;
    const end = segmentPosition + ranges.ends[i]!;
    let offset = ranges.offsets[i]!;
    const oldest = history[0]?.start ?? Number.POSITIVE_INFINITY;
    if (position < oldest) {
      throw new UnsupportedError(
        `A VCD_TARGET window copies from target offset ${position}, further back than the ${maxHistory} bytes of output kept`,
        {
          hint: "Raise maxTargetHistory, or decode with the native engine (DG_DELTA_ENGINE=xdelta3).",
        },
      );
    }
    for (const entry of history) {
      const entryEnd = entry.start + entry.bytes.length;
      if (position >= end) break;
      if (entryEnd <= position) continue;
      const n = Math.min(end, entryEnd) - position;
      const at = position - entry.start;
      ranges.bytes.set(entry.bytes.subarray(at, at + n), offset);
      offset += n;
      position += n;
    }
    if (position < end) throw damaged("a VCD_TARGET segment reaches past the decoded output");
  }
}
