import type { RandomAccessSource } from "@dg/core";
import { InvalidArgumentError } from "@dg/core";
import type { DeltaSource } from "./delta-input.js";
import { createDeltaInput } from "./delta-input.js";
import { decodeWindows } from "./decode-windows.js";
import { foreign, toDecodeError } from "./errors.js";
import {
  decodeWithRecovery,
  externalCompressionError,
  externalCompressionOf,
} from "./external-compression.js";
import { parseFileHeader } from "./file-header.js";
import { readAhead } from "./read-ahead.js";
import type { DecodeVcdiffOptions } from "./options.js";

/**
 * Decode a VCDIFF delta (RFC 3284, with xdelta3's extensions: application header, Adler-32
 * window checksums, LZMA secondary compression) against `source`, yielding the target one
 * window at a time. The delta (a byte stream such as a Node `Readable`, an iterable of
 * chunks, or one buffer) is read once, in order; the source is read by position, only
 * where COPY instructions need it. The next window is decoded while the consumer handles the
 * current one (so writing the output overlaps decoding). Memory is bounded by
 * `maxWindowSize` (two windows in flight), not by the file.
 *
 * Errors, raised while iterating: `IntegrityError` for a damaged or truncated delta, a
 * checksum mismatch or a declared size over the limits; `UnsupportedError` for features the
 * built-in decoder lacks (DJW/FGK secondary compression, custom code tables) and for deltas
 * xdelta3 made over content it decompressed itself (see `recoverExternalCompression`);
 * `CancelledError` when `signal` aborts. Do not modify the yielded chunks.
 *
 * @example
 * ```ts
 * const source = createBufferSource(referenceBytes);
 * for await (const chunk of decodeVcdiff(source, createReadStream("file.delta"))) {
 *   out.write(chunk);
 * }
 * ```
 */
export async function* decodeVcdiff(
  source: RandomAccessSource,
  delta: DeltaSource,
  options: DecodeVcdiffOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  checkOptions(options);
  const input = createDeltaInput(delta);
  try {
    const header = await parseFileHeader(input);
    await foreign(() => options.onHeader?.(header));
    if (externalCompressionOf(header) === undefined) {
      yield* readAhead(decodeWindows(source, input, header, options), options.signal);
    } else if (options.recoverExternalCompression === true) {
      yield* decodeWithRecovery(source, input, header, options);
    } else {
      throw externalCompressionError(header);
    }
  } catch (error) {
    throw toDecodeError(error, options.signal);
  } finally {
    await input.close();
  }
}

function checkOptions(options: DecodeVcdiffOptions): void {
  const sizes = {
    maxWindowSize: options.maxWindowSize,
    maxTargetHistory: options.maxTargetHistory,
    expectedSize: options.expectedSize,
    sourceCacheSize: options.sourceCacheSize,
    maxInMemorySource: options.maxInMemorySource,
  };
  for (const [name, value] of Object.entries(sizes)) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new InvalidArgumentError(`${name} must be a whole number of bytes, not ${value}`);
    }
  }
  const concurrency = options.sourceReadConcurrency;
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
    throw new InvalidArgumentError(`sourceReadConcurrency must be 1 or more, not ${concurrency}`);
  }
}
