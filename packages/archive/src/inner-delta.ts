import type { ByteStream, DeltaCodec, RandomAccessSource } from "@dg/core";

/**
 * The inner delta of an archive-aware delta: the expanded target against the expanded
 * reference. Every archive delta goes through these two functions, so that the inner format
 * can be swapped in one place (the header's version says which one a delta holds).
 */
export function encodeInnerDelta(
  inner: DeltaCodec,
  expandedReference: RandomAccessSource,
  expandedTarget: ByteStream,
  expandedTargetSize: number,
  signal: AbortSignal | undefined,
): ByteStream {
  return inner.encode(expandedReference, expandedTarget, {
    targetSize: expandedTargetSize,
    ...(signal === undefined ? {} : { signal }),
  });
}

/** Decode what {@link encodeInnerDelta} made: the expanded target. */
export function decodeInnerDelta(
  inner: DeltaCodec,
  expandedReference: RandomAccessSource,
  delta: ByteStream,
  signal: AbortSignal | undefined,
): ByteStream {
  return inner.decode(expandedReference, delta, signal === undefined ? {} : { signal });
}
