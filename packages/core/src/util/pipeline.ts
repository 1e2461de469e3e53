/**
 * Small async building blocks for listings that must not hold a whole bucket: a pool that
 * runs at most N tasks at once and makes the producer wait for a free slot (so what is queued
 * stays bounded), and a read-ahead of one item of an async iterator (the next listing page is
 * requested while the current one is being described).
 */

/** Runs tasks with at most `limit` in flight; the first failure is kept and rethrown. */
export interface BoundedPool {
  /**
   * Start `task` once a slot is free (resolves when it has started, not when it ends). Throws
   * the first failure of an earlier task, so a producer stops at once.
   */
  submit(task: () => Promise<void>): Promise<void>;
  /** Wait for every started task; throws the first failure. */
  drain(): Promise<void>;
}

/**
 * A {@link BoundedPool} of `limit` slots.
 *
 * @example
 * ```ts
 * const pool = createBoundedPool(16);
 * for await (const page of pages) for (const o of page) await pool.submit(() => head(o));
 * await pool.drain();
 * ```
 */
export function createBoundedPool(limit: number): BoundedPool {
  const size = Math.max(1, Math.floor(limit));
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const rethrow = () => {
    if (failure) throw failure.error;
  };
  return {
    async submit(task) {
      rethrow();
      while (running.size >= size) {
        await Promise.race(running);
        rethrow();
      }
      const started = task().then(
        () => undefined,
        (error: unknown) => {
          failure ??= { error };
        },
      );
      const tracked = started.finally(() => running.delete(tracked));
      running.add(tracked);
    },
    async drain() {
      while (running.size > 0) await Promise.race(running);
      rethrow();
    },
  };
}

/**
 * The items of `source`, with the next one requested as soon as the current one is handed
 * out (one item of read-ahead: a listing asks for page N+1 while page N is processed). The
 * read-ahead is awaited on early exit, so no request is left running unobserved.
 *
 * @example
 * ```ts
 * for await (const page of readAhead(listPages())) await describe(page);
 * ```
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    while (true) {
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      // Keep a rejection of the read-ahead from being reported as unhandled while the consumer
      // works; it is rethrown by the `await next` of the next round.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    // Early exit (break, error): let the pending request settle, then close the source.
    await next.catch(() => undefined);
    await iterator.return?.();
  }
}
