import type { DeflateParams } from "./deflate-params.js";

/** Bytes kept as they are, both in the original and in the expanded form. */
export interface RawSegment {
  readonly kind: "raw";
  readonly length: number;
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
}

export type Segment = RawSegment | DeflateSegment;

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
  for (const s of segments) total += s.kind === "raw" ? s.length : s.compressedLength;
  return total;
}

/** Size of the expanded form the segments describe. */
export function expandedSizeOf(segments: readonly Segment[]): number {
  let total = 0;
  for (const s of segments) total += s.kind === "raw" ? s.length : s.inflatedLength;
  return total;
}

/** The deflate streams among the segments, in order. */
export function deflateSegmentsOf(segments: readonly Segment[]): DeflateSegment[] {
  return segments.filter((s): s is DeflateSegment => s.kind === "deflate");
}
