import { InvalidArgumentError } from "@dg/core";
import { readVarint, VARINT_INCOMPLETE } from "../vcdiff/varint.js";
import { damaged, foreign } from "./errors.js";

/**
 * Pull-based buffered reader over the delta stream. `bytes[start, end)` are the buffered,
 * unconsumed bytes; `fill(n)` makes at least n of them available. Views into `bytes` stay
 * valid until the next `fill`.
 */
export interface DeltaInput {
  readonly bytes: Uint8Array;
  /** First unconsumed byte in `bytes`. */
  start: number;
  /** End of the buffered bytes in `bytes`. */
  readonly end: number;
  /** Bytes consumed so far (position in the delta stream of `start`). */
  readonly offset: number;
  /** Buffer at least `n` bytes; false when the stream ends first. */
  fill(n: number): Promise<boolean>;
  /** True when every byte was consumed and the stream has ended. */
  atEnd(): Promise<boolean>;
  /** Take `n` bytes (after a successful `fill(n)`), as a view. */
  take(n: number): Uint8Array;
  /** Read one byte; `what` names it in the truncation error. */
  readByte(what: string): Promise<number>;
  /** Read a varint; `what` names it in the errors. */
  readVarint(what: string): Promise<number>;
  /** Stop the underlying iterator (idempotent). */
  close(): Promise<void>;
}

/** What the decoder reads a delta from: a byte stream, chunks in memory, or one buffer. */
export type DeltaSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

function toAsyncIterator(stream: DeltaSource): AsyncIterator<Uint8Array> {
  if (stream instanceof Uint8Array) {
    let done = false;
    return {
      next: async () => {
        if (done) return { done: true, value: undefined };
        done = true;
        return { done: false, value: stream };
      },
    };
  }
  if (typeof (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") {
    return (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }
  if (typeof (stream as Iterable<Uint8Array>)[Symbol.iterator] === "function") {
    const sync = (stream as Iterable<Uint8Array>)[Symbol.iterator]();
    return {
      next: async () => sync.next(),
      return: async () => sync.return?.() ?? { done: true, value: undefined },
    };
  }
  throw new InvalidArgumentError("The delta must be a byte stream, an iterable of chunks or bytes");
}

/**
 * Wrap a byte stream for the decoder.
 *
 * @example
 * ```ts
 * const input = createDeltaInput(stream);
 * if (await input.fill(4)) console.log(input.take(4));
 * ```
 */
export function createDeltaInput(stream: DeltaSource): DeltaInput {
  const iterator = toAsyncIterator(stream);
  let bytes = new Uint8Array(64 * 1024);
  let start = 0;
  let end = 0;
  let consumedBefore = 0;
  let pending: Uint8Array | undefined;
  let ended = false;
  let closed = false;
  const varintOut = { value: 0, offset: 0 };

  const pull = async (): Promise<boolean> => {
    while (pending === undefined || pending.length === 0) {
      if (ended) return false;
      const next = await foreign(() => iterator.next());
      if (next.done === true) {
        ended = true;
        return false;
      }
      pending = next.value;
    }
    return true;
  };

  const input: DeltaInput = {
    get bytes() {
      return bytes;
    },
    get start() {
      return start;
    },
    set start(value: number) {
      start = value;
    },
    get end() {
      return end;
    },
    get offset() {
      return consumedBefore + start;
    },
    async fill(n: number): Promise<boolean> {
      while (end - start < n) {
        if (end === bytes.length) {
          // No room after `end`: move the unconsumed bytes to the front, and grow (doubling, at
          // most to `n`) only as data arrives, so a truncated delta that declares a large
          // window never costs a large buffer.
          const full = start === 0;
          const target = full
            ? new Uint8Array(Math.min(n, Math.max(bytes.length * 2, 64 * 1024)))
            : bytes;
          if (target === bytes) bytes.copyWithin(0, start, end);
          else target.set(bytes.subarray(start, end), 0);
          consumedBefore += start;
          end -= start;
          start = 0;
          bytes = target;
        }
        if (!(await pull())) return false;
        const chunk = pending!;
        const count = Math.min(chunk.length, bytes.length - end);
        bytes.set(chunk.subarray(0, count), end);
        end += count;
        pending = chunk.subarray(count);
      }
      return true;
    },
    async atEnd(): Promise<boolean> {
      if (end > start) return false;
      return !(await pull());
    },
    take(n: number): Uint8Array {
      const view = bytes.subarray(start, start + n);
      start += n;
      return view;
    },
    async readByte(what: string): Promise<number> {
      if (!(await input.fill(1))) throw damaged(`truncated before ${what}`);
      return bytes[start++]!;
    },
    async readVarint(what: string): Promise<number> {
      for (let want = 1; ; want++) {
        if (!(await input.fill(want))) throw damaged(`truncated in ${what}`);
        const value = readVarint(bytes, start, end, varintOut);
        if (value !== VARINT_INCOMPLETE) {
          start = varintOut.offset;
          return value;
        }
        want = end - start;
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!ended) await foreign(async () => iterator.return?.());
    },
  };
  return input;
}
