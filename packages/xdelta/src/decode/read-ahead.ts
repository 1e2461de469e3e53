import { throwIfAborted } from "@dg/core";

/**
 * Iterate `inner` one item ahead: while the consumer handles an item (typically writing a
 * decoded window to a file, which runs on libuv's thread pool), the next one is already being
 * produced on the main thread. At most one item is produced before it is asked for. Errors
 * reach the consumer when it asks for the item that failed; stopping early stops `inner`
 * once the item in progress is done. With `signal` aborted, nothing more is yielded.
 *
 * @example
 * ```ts
 * for await (const window of readAhead(decodeWindows(source, input, header, options))) {
 *   await write(window);
 * }
 * ```
 */
export async function* readAhead<T>(
  inner: AsyncGenerator<T, void, undefined>,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  let pending: Promise<IteratorResult<T, void>> | undefined = inner.next();
  // Handled here and awaited below: a failure while the consumer holds the previous item is
  // not an unhandled rejection.
  pending.catch(() => undefined);
  try {
    for (;;) {
      const result: IteratorResult<T, void> = await pending;
      pending = undefined;
      if (result.done === true) return;
      throwIfAborted(signal);
      pending = inner.next();
      pending.catch(() => undefined);
      yield result.value;
    }
  } finally {
    if (pending !== undefined) {
      // The consumer stopped (or failed) while the next item was in progress: let it finish,
      // then close `inner` so that its cleanup runs. Its own error, if any, is not the
      // consumer's concern any more.
      try {
        const result = await pending;
        if (result.done !== true) await inner.return();
      } catch {
        // the inner generator failed: it has already run its cleanup
      }
    }
  }
}
