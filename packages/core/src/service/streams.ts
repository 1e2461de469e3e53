import { IntegrityError, throwIfAborted } from "../errors.js";
import type { ByteRange, ByteStream, OperationOptions } from "../ports/index.js";
import type { Hasher } from "../ports/hasher.js";
import type { ScratchBlob, ScratchSpace } from "../ports/scratch.js";

/** Hash and measure a stream. */
export async function hashStream(
  hasher: Hasher,
  stream: ByteStream,
  options?: OperationOptions,
): Promise<{ sha256: string; size: number }> {
  const hash = hasher.sha256();
  let size = 0;
  for await (const chunk of stream) {
    throwIfAborted(options?.signal);
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digestHex(), size };
}

/**
 * Pass a stream through while hashing it; at its end, fail with `IntegrityError` when the
 * SHA-256 or the size differs from what was expected.
 */
export async function* verifiedStream(
  hasher: Hasher,
  stream: ByteStream,
  expected: {
    readonly sha256: string;
    readonly size?: number;
    readonly what: string;
    /** At the end, true means the check does not apply (a content-equal rebuild). */
    readonly waived?: () => boolean;
  },
  options?: OperationOptions,
): ByteStream {
  const hash = hasher.sha256();
  let size = 0;
  for await (const chunk of stream) {
    throwIfAborted(options?.signal);
    hash.update(chunk);
    size += chunk.length;
    yield chunk;
  }
  const actual = hash.digestHex();
  if (expected.waived?.() === true) return;
  if (actual !== expected.sha256 || (expected.size !== undefined && size !== expected.size)) {
    throw new IntegrityError(
      `SHA-256 mismatch for ${expected.what}: expected ${expected.sha256}, got ${actual} (${size} bytes)`,
      {
        hint: "The stored object is damaged or its reference changed; nothing was returned as good data.",
      },
    );
  }
}

/** Keep only `range` (inclusive) of a stream, still reading it to its end. */
export async function* sliceStream(stream: ByteStream, range: ByteRange): ByteStream {
  let at = 0;
  const end = range.end === undefined ? Number.POSITIVE_INFINITY : range.end + 1;
  for await (const chunk of stream) {
    const from = Math.max(range.start, at);
    const to = Math.min(end, at + chunk.length);
    if (to > from) yield chunk.subarray(from - at, to - at);
    at += chunk.length;
  }
}

/** Count bytes as they pass. */
export async function* countingStream(
  stream: ByteStream,
  onBytes: (n: number) => void,
): ByteStream {
  for await (const chunk of stream) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/** Write a stream to a scratch blob. The caller disposes the blob. */
export async function spool(
  scratch: ScratchSpace,
  stream: ByteStream,
  options?: OperationOptions,
): Promise<ScratchBlob> {
  const writer = await scratch.create();
  try {
    for await (const chunk of stream) {
      throwIfAborted(options?.signal);
      await writer.write(chunk);
    }
    return await writer.finish();
  } catch (error) {
    await writer.dispose();
    throw error;
  }
}

/** One of the two streams of {@link teeStream}. */
export interface TeeBranch extends AsyncIterable<Uint8Array> {
  /**
   * Stop taking chunks: the other branch goes on alone. Call it once the branch's consumer
   * is done, whatever its outcome (a consumer that failed before reading never ends it).
   */
  cancel(): void;
}

/**
 * Read `stream` once for two consumers: each branch yields every chunk (the same arrays;
 * consumers must not change them). A branch gets at most `maxAhead` chunks ahead of the
 * other, so memory stays bounded; an error of `stream` reaches both.
 *
 * @example
 * ```ts
 * const [forStore, forCache] = teeStream(body);
 * const stored = store.putObject(bucket, key, forStore, opts).finally(() => forStore.cancel());
 * const cached = cache.put(sha256, forCache).finally(() => forCache.cancel());
 * await Promise.all([stored, cached]);
 * ```
 */
export function teeStream(stream: ByteStream, maxAhead = 8): [TeeBranch, TeeBranch] {
  const source = stream[Symbol.asyncIterator]();
  const queues: Uint8Array[][] = [[], []];
  const active = [true, true];
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  let pulling: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let space: Promise<void> | undefined;

  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    space = undefined;
    resolve?.();
  };
  const waitForSpace = (): Promise<void> => {
    space ??= new Promise<void>((resolve) => {
      wake = resolve;
    });
    return space;
  };
  const pull = (): Promise<void> => {
    pulling ??= (async () => {
      try {
        const next = await source.next();
        if (next.done === true) ended = true;
        else for (let i = 0; i < 2; i++) if (active[i]) queues[i]?.push(next.value);
      } catch (error) {
        failure = { error };
      } finally {
        pulling = undefined;
        notify();
      }
    })();
    return pulling;
  };
  const cancel = (i: number): void => {
    if (!active[i]) return;
    active[i] = false;
    (queues[i] as Uint8Array[]).length = 0;
    notify();
    if (!active[0] && !active[1] && !ended && failure === undefined) {
      void source.return?.();
    }
  };

  const branch = (i: number): TeeBranch => ({
    cancel: () => cancel(i),
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          for (;;) {
            if (!active[i]) return { done: true, value: undefined };
            const queue = queues[i] as Uint8Array[];
            const chunk = queue.shift();
            if (chunk !== undefined) {
              notify();
              return { done: false, value: chunk };
            }
            if (failure !== undefined) throw failure.error;
            if (ended) return { done: true, value: undefined };
            const other = queues[1 - i] as Uint8Array[];
            if (active[1 - i] && other.length >= maxAhead) await waitForSpace();
            else await pull();
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          cancel(i);
          return { done: true, value: undefined };
        },
      };
    },
  });
  return [branch(0), branch(1)];
}
