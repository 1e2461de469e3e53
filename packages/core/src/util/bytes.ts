import type { ByteStream } from "../ports/common.js";

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Compare two strings in S3 key order: ascending UTF-8 byte order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Concatenate chunks into one array. Only for small, bounded data (metadata, tests, memory adapters). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Collect a stream into one array. Only for bounded data; callers that handle user files
 * stream instead.
 */
export async function collectBytes(stream: ByteStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concatBytes(chunks);
}

/** A one-chunk stream over bytes already in memory. */
export async function* streamOf(bytes: Uint8Array): ByteStream {
  if (bytes.length > 0) yield bytes;
}

/** Whether a body is bytes already in memory rather than a stream. */
export function isBytes(body: ByteStream | Uint8Array): body is Uint8Array {
  return body instanceof Uint8Array;
}

/**
 * The first `length` bytes of a stream (fewer when it is shorter), and a stream of all of it
 * from the start again; the rest is not read until the returned stream is. For telling a
 * format by its magic before handing the stream on.
 *
 * @example
 * ```ts
 * const { head, stream } = await peekStream(delta, 4);
 * yield* (head[0] === 0xd6 ? vcdiff : other).decode(source, stream);
 * ```
 */
export async function peekStream(
  stream: ByteStream,
  length: number,
): Promise<{ readonly head: Uint8Array; readonly stream: ByteStream }> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < length) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    chunks.push(next.value);
    have += next.value.length;
  }
  const head = new Uint8Array(Math.min(have, length));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= head.length) break;
    const part = chunk.subarray(0, head.length - at);
    head.set(part, at);
    at += part.length;
  }
  async function* again(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      yield* chunks;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }
  return { head, stream: again() };
}
