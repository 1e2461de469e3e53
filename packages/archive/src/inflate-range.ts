import { createInflateRaw, crc32, inflateRawSync } from "node:zlib";
import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import { feedTransform, rangeChunks } from "./zlib-pump.js";

/** What inflating one raw deflate stream found. */
export interface InflatedStream {
  /** Compressed bytes the stream occupies (the deflate stream ends there). */
  readonly consumed: number;
  readonly inflatedLength: number;
  /** CRC-32 of the inflated bytes. */
  readonly crc32: number;
}

export interface InflateRangeOptions {
  /** Give up (return undefined) once the stream inflates to more than this. */
  readonly maxOutput: number;
  readonly signal?: AbortSignal;
}

const FEED = 64 * 1024;

class TooLarge extends Error {}

/** zlib's own complaints about its input (`Z_DATA_ERROR`, `Z_BUF_ERROR`: truncated, …). */
function isZlibDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/**
 * Inflate the raw deflate stream that starts at `start`, reading at most `limit` compressed
 * bytes, and hand each inflated chunk to `sink`. Returns undefined when the bytes are not a
 * complete deflate stream within the limit, or inflate to more than `maxOutput`. The stream
 * may end before `limit`: `consumed` says where (gzip members are found that way).
 *
 * @example
 * ```ts
 * const found = await inflateRange(source, 10, source.size - 10, (c) => out.append(c), {
 *   maxOutput: 2 ** 40,
 * });
 * ```
 */
export async function inflateRange(
  source: RandomAccessSource,
  start: number,
  limit: number,
  sink: (chunk: Uint8Array) => Promise<void>,
  options: InflateRangeOptions,
): Promise<InflatedStream | undefined> {
  if (limit <= SMALL_INPUT) {
    const small = inflateSmall(await source.read(start, limit), options.maxOutput);
    if (small === undefined) return undefined;
    if (small !== TOO_BIG_FOR_MEMORY) {
      await sink(small.data);
      return small.found;
    }
  }
  return inflateStreaming(source, start, limit, sink, options);
}

/** Compressed streams up to this size are inflated in one call. */
const SMALL_INPUT = 64 * 1024;
/** ... as long as they inflate to at most this. */
const SMALL_OUTPUT = 4 * 1024 * 1024;
const TOO_BIG_FOR_MEMORY = Symbol("too big for memory");

function inflateSmall(
  compressed: Uint8Array,
  maxOutput: number,
): { data: Buffer; found: InflatedStream } | typeof TOO_BIG_FOR_MEMORY | undefined {
  try {
    const { buffer, engine } = inflateRawSync(compressed, {
      info: true,
      maxOutputLength: Math.max(1, Math.min(maxOutput, SMALL_OUTPUT)),
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    if (buffer.length > maxOutput) return undefined;
    return {
      data: buffer,
      found: {
        consumed: engine.bytesWritten,
        inflatedLength: buffer.length,
        crc32: crc32(buffer) >>> 0,
      },
    };
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      return maxOutput > SMALL_OUTPUT ? TOO_BIG_FOR_MEMORY : undefined;
    }
    if (isZlibDataError(error)) return undefined;
    throw error;
  }
}

async function inflateStreaming(
  source: RandomAccessSource,
  start: number,
  limit: number,
  sink: (chunk: Uint8Array) => Promise<void>,
  options: InflateRangeOptions,
): Promise<InflatedStream | undefined> {
  const inflater = createInflateRaw({ chunkSize: FEED });
  const end = Math.min(source.size, start + limit);
  let outputDone = false;

  let inflatedLength = 0;
  let crc = 0;
  const pumping = feedTransform(inflater, rangeChunks(source, start, end, FEED), () => outputDone);
  try {
    for await (const chunk of inflater) {
      throwIfAborted(options.signal);
      const data = chunk as Buffer;
      inflatedLength += data.length;
      if (inflatedLength > options.maxOutput) throw new TooLarge();
      crc = crc32(data, crc);
      await sink(data);
    }
    return { consumed: inflater.bytesWritten, inflatedLength, crc32: crc >>> 0 };
  } catch (error) {
    if (error instanceof TooLarge || isZlibDataError(error)) return undefined;
    throw error;
  } finally {
    outputDone = true;
    inflater.destroy();
    await pumping;
  }
}
