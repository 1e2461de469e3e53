import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import type { DeflateParams } from "./deflate-params.js";
import { deflateStream } from "./deflate-engines.js";
import { rangeChunks } from "./zlib-pump.js";

/** A byte range of a source. */
export interface SourceRange {
  readonly source: RandomAccessSource;
  readonly start: number;
  readonly length: number;
}

/** Input is fed in small pieces so that the first deflate block is compared early. */
const FEED = 16 * 1024;

/**
 * Whether deflating `inflated` with `params` gives exactly the bytes of `compressed`. The
 * output is compared as it is produced, and the work stops at the first difference.
 *
 * @example
 * ```ts
 * const same = await reproducesDeflate(params, inflatedRange, compressedRange);
 * ```
 */
export async function reproducesDeflate(
  params: DeflateParams,
  inflated: SourceRange,
  compressed: SourceRange,
  signal?: AbortSignal,
): Promise<boolean> {
  const chunks = rangeChunks(
    inflated.source,
    inflated.start,
    inflated.start + inflated.length,
    FEED,
  );
  let at = 0;
  for await (const produced of deflateStream(params, chunks, FEED)) {
    throwIfAborted(signal);
    if (at + produced.length > compressed.length) return false;
    const expected = await compressed.source.read(compressed.start + at, produced.length);
    if (Buffer.compare(produced, expected) !== 0) return false;
    at += produced.length;
  }
  return at === compressed.length;
}

/**
 * The first of `candidates` that reproduces `compressed` from `inflated`, or undefined. The
 * streams are read as they are compared, and each candidate is abandoned at its first
 * differing output chunk (for long streams that are not cut into pieces).
 *
 * @example
 * ```ts
 * const params = await findDeflateParams(inflatedRange, compressedRange, candidateParams());
 * ```
 */
export async function findDeflateParams(
  inflated: SourceRange,
  compressed: SourceRange,
  candidates: readonly DeflateParams[],
  signal?: AbortSignal,
): Promise<DeflateParams | undefined> {
  for (const params of candidates) {
    throwIfAborted(signal);
    if (await reproducesDeflate(params, inflated, compressed, signal)) return params;
  }
  return undefined;
}
