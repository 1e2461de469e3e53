import type { ByteStream, OperationOptions, RandomAccessSource } from "../ports/common.js";
import type { DeltaTarget, ReplayableTarget } from "../ports/delta-codec.js";
import { throwIfAborted } from "../errors.js";

/**
 * Whether a codec's target is a {@link ReplayableTarget} (rather than a one-shot stream).
 *
 * @example
 * ```ts
 * const stream = isReplayableTarget(target) ? target.open(options) : target;
 * ```
 */
export function isReplayableTarget(target: DeltaTarget): target is ReplayableTarget {
  return typeof (target as Partial<ReplayableTarget>).openRandomAccess === "function";
}

/**
 * A codec's target as a stream, for codecs that read it once in order.
 *
 * @example
 * ```ts
 * for await (const chunk of targetStream(target, { signal })) encoder.push(chunk);
 * ```
 */
export function targetStream(target: DeltaTarget, options?: OperationOptions): ByteStream {
  return isReplayableTarget(target) ? target.open(options) : target;
}

const SOURCE_CHUNK = 1024 * 1024;

/**
 * Stream a random-access source from start to end (each chunk is a copy the caller may keep).
 *
 * @example
 * ```ts
 * await store.putObject(bucket, key, sourceStream(cached), { contentLength: cached.size });
 * ```
 */
export async function* sourceStream(
  source: RandomAccessSource,
  options?: OperationOptions,
): ByteStream {
  let at = 0;
  while (at < source.size) {
    throwIfAborted(options?.signal);
    // A copy (a Buffer's slice would be a view of memory the source may reuse).
    const chunk = new Uint8Array(await source.read(at, Math.min(SOURCE_CHUNK, source.size - at)));
    if (chunk.length === 0) return;
    at += chunk.length;
    yield chunk;
  }
}
