/**
 * Run `worker` over `items` with at most `limit` running at once, stopping to take new items
 * when `signal` aborts. The worker handles its own errors; one that throws stops the pool and
 * the error is rethrown once the running workers have settled.
 *
 * @example
 * ```ts
 * await runPool(files, 4, async (file) => upload(file));
 * ```
 */
export async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  worker: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    for (;;) {
      if (failure || signal?.aborted) return;
      const next = await iterator.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  const lanes = Math.max(1, Math.floor(limit));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure) throw failure.error;
}
