import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import type { DeflateParams } from "./deflate-params.js";
import { createClassicDeflater } from "./classic/classic-deflater.js";
import { classicOptions, deflateStream, deflateWhole } from "./deflate-engines.js";
import { rangeChunks } from "./zlib-pump.js";

/** A byte range of a source. */
export interface SourceRange {
  readonly source: RandomAccessSource;
  readonly start: number;
  readonly length: number;
}

/** Streams up to this size (both sides) are compared in memory, in one call. */
const IN_MEMORY = 64 * 1024;
/** Input is fed in small pieces so that the first deflate block is compared early. */
const FEED = 16 * 1024;

async function readAll(range: SourceRange): Promise<Buffer> {
  return Buffer.from(await range.source.read(range.start, range.length));
}

/** Input pieces for the JavaScript engines, so that a wrong candidate stops early. */
const CLASSIC_PIECE = 8 * 1024;

function reproducesInMemory(params: DeflateParams, input: Buffer, expected: Buffer): boolean {
  if (params.engine === "node-zlib") {
    return Buffer.compare(deflateWhole(params, input), expected) === 0;
  }
  const deflater = createClassicDeflater(classicOptions(params));
  let at = 0;
  const matches = (out: Uint8Array | undefined): boolean => {
    if (out === undefined) return true;
    if (at + out.length > expected.length) return false;
    if (Buffer.compare(out, expected.subarray(at, at + out.length)) !== 0) return false;
    at += out.length;
    return true;
  };
  for (let i = 0; i < input.length; i += CLASSIC_PIECE) {
    if (!matches(deflater.write(input.subarray(i, i + CLASSIC_PIECE)))) return false;
  }
  return matches(deflater.finish()) && at === expected.length;
}

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
 * The first of `candidates` that reproduces `compressed` from `inflated`, or undefined.
 * Small streams are compared in memory; large ones are streamed and each candidate is
 * abandoned at its first differing output chunk.
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
  if (inflated.length <= IN_MEMORY && compressed.length <= IN_MEMORY) {
    const input = await readAll(inflated);
    const expected = await readAll(compressed);
    for (const params of candidates) {
      throwIfAborted(signal);
      if (reproducesInMemory(params, input, expected)) return params;
    }
    return undefined;
  }
  for (const params of candidates) {
    throwIfAborted(signal);
    if (await reproducesDeflate(params, inflated, compressed, signal)) return params;
  }
  return undefined;
}
