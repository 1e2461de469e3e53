import { InvalidArgumentError } from "@dg/core";

/** The writing side of an event stream, and the one async iterable that reads it. */
export interface EventStream<E> extends AsyncIterable<E> {
  push(event: E): void;
  /** No more events: the reader's loop ends once it has read the queued ones. */
  end(): void;
  /** The stream fails: the reader's loop throws `error` once it has read the queued ones. */
  fail(error: unknown): void;
}

/**
 * An in-order queue of events read by one `for await` loop. Events are kept until read (from
 * the start, so a reader that begins late misses nothing); `merging` folds a new event into
 * one of the same key still waiting in the queue (progress of the same file), which bounds the
 * queue while nobody reads. A reader that leaves its loop early detaches: later events are dropped.
 *
 * @example
 * ```ts
 * const stream = createEventStream<number>();
 * stream.push(1);
 * stream.end();
 * for await (const n of stream) console.log(n);
 * ```
 */
export function createEventStream<E>(merging?: {
  /** Events with the same key merge while the earlier one waits in the queue. */
  readonly keyOf: (event: E) => string | undefined;
  readonly merge: (queued: E, next: E) => E;
}): EventStream<E> {
  let queue: E[] = [];
  /** Where the unread event of each merge key is in `queue`. */
  const unread = new Map<string, number>();
  let head = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let detached = false;
  let iterated = false;
  let waiting:
    | { resolve: (r: IteratorResult<E>) => void; reject: (e: unknown) => void }
    | undefined;

  const settleWaiting = () => {
    const reader = waiting;
    if (reader === undefined) return;
    if (head < queue.length) {
      waiting = undefined;
      reader.resolve({ value: take(), done: false });
    } else if (failure) {
      waiting = undefined;
      reader.reject(failure.error);
    } else if (ended) {
      waiting = undefined;
      reader.resolve({ value: undefined, done: true });
    }
  };
  const take = (): E => {
    const event = queue[head] as E;
    const key = merging?.keyOf(event);
    if (key !== undefined && unread.get(key) === head) unread.delete(key);
    head += 1;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      for (const [k, at] of unread) unread.set(k, at - head);
      head = 0;
    }
    return event;
  };

  return {
    push(event) {
      if (detached || ended || failure) return;
      const key = merging?.keyOf(event);
      if (merging !== undefined && key !== undefined) {
        const at = unread.get(key);
        if (at !== undefined) {
          queue[at] = merging.merge(queue[at] as E, event);
          return;
        }
        unread.set(key, queue.length);
      }
      queue.push(event);
      settleWaiting();
    },
    end() {
      ended = true;
      settleWaiting();
    },
    fail(error) {
      failure ??= { error };
      settleWaiting();
    },
    [Symbol.asyncIterator](): AsyncIterator<E> {
      if (iterated) {
        throw new InvalidArgumentError("The events of a migration can be read only once", {
          hint: "Read them in one for await loop, and hand each event on from there.",
        });
      }
      iterated = true;
      return {
        next() {
          return new Promise<IteratorResult<E>>((resolve, reject) => {
            waiting = { resolve, reject };
            settleWaiting();
          });
        },
        async return() {
          detached = true;
          queue = [];
          unread.clear();
          head = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
