import type { EventEmitter } from "node:events";
import type { Transform } from "node:stream";
import type { RandomAccessSource } from "@dg/core";

/**
 * The bytes `[start, end)` of a source as chunks of at most `size` bytes. Each chunk is a
 * copy, so it may be kept (zlib streams hold on to what they are given).
 */
export async function* rangeChunks(
  source: RandomAccessSource,
  start: number,
  end: number,
  size: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let at = start;
  while (at < end) {
    const chunk = (await source.read(at, Math.min(size, end - at))).slice();
    if (chunk.length === 0) return;
    at += chunk.length;
    yield chunk;
  }
}

/**
 * Write `input` into a zlib transform with backpressure, then end it, unless `stopped()`
 * turns true first (the reader has what it needs). A failure destroys the transform with
 * the error, so whoever reads the transform sees it.
 *
 * @example
 * ```ts
 * const feeding = feedTransform(deflater, chunks, () => done);
 * for await (const out of deflater) { ... }
 * await feeding;
 * ```
 */
export async function feedTransform(
  transform: Transform,
  input: AsyncIterable<Uint8Array>,
  stopped: () => boolean,
): Promise<void> {
  try {
    for await (const chunk of input) {
      if (stopped() || transform.destroyed) return;
      if (!transform.write(chunk)) await nextEvent(transform, ["drain", "end", "close", "error"]);
    }
    if (!stopped() && !transform.destroyed) transform.end();
  } catch (error) {
    transform.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Resolve at the first of `events`, removing every listener it added. */
function nextEvent(emitter: EventEmitter, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of events) emitter.off(event, done);
      resolve();
    };
    for (const event of events) emitter.on(event, done);
  });
}
