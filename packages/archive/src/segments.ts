import type { DeflateParams } from "./deflate-params.js";

/** Bytes kept as they are, both in the original and in the expanded form. */
export interface RawSegment {
  readonly kind: "raw";
  readonly length: number;
}

/** Where a piece of a deflate stream starts: in its compressed bits and its inflated bytes. */
export interface PieceStart {
  /** Inflated bytes of the stream before the piece. */
  readonly input: number;
  /** Bit offset of the piece's first block in the compressed stream. */
  readonly bit: number;
}

/** A deflate stream: compressed in the original, inflated in the expanded form. */
export interface DeflateSegment {
  readonly kind: "deflate";
  readonly compressedLength: number;
  readonly inflatedLength: number;
  /** CRC-32 of the inflated bytes (the container's own CRC where it has one). */
  readonly crc32: number;
  /** How to deflate it again; absent for a reference, which is only ever inflated. */
  readonly params?: DeflateParams;
  /**
   * Where the stream may be cut to deflate its pieces in parallel (after the first piece,
   * which starts at 0), in increasing order; empty or absent: one piece.
   */
  readonly pieces?: readonly PieceStart[];
}

/**
 * A deflate stream whose compressed bytes equal the reference's at `referenceOffset`: copied
 * from there, absent from the expanded form (format version 2).
 */
export interface CopySegment {
  readonly kind: "copy";
  readonly referenceOffset: number;
  readonly length: number;
}

export type Segment = RawSegment | DeflateSegment | CopySegment;

/** Append a segment, merging neighbouring raw runs. */
export function pushSegment(segments: Segment[], segment: Segment): void {
  if (segment.kind === "raw") {
    if (segment.length === 0) return;
    const last = segments[segments.length - 1];
    if (last?.kind === "raw") {
      segments[segments.length - 1] = { kind: "raw", length: last.length + segment.length };
      return;
    }
  }
  segments.push(segment);
}

/** Size of the original bytes the segments describe. */
export function originalSizeOf(segments: readonly Segment[]): number {
  let total = 0;
  for (const s of segments) total += s.kind === "deflate" ? s.compressedLength : s.length;
  return total;
}

/** Size of the expanded form the segments describe. */
export function expandedSizeOf(segments: readonly Segment[]): number {
  let total = 0;
  for (const s of segments) {
    if (s.kind === "raw") total += s.length;
    else if (s.kind === "deflate") total += s.inflatedLength;
  }
  return total;
}

/** The deflate streams among the segments, in order. */
export function deflateSegmentsOf(segments: readonly Segment[]): DeflateSegment[] {
  return segments.filter((s): s is DeflateSegment => s.kind === "deflate");
}
