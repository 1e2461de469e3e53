import {
  CancelledError,
  type DgError,
  IntegrityError,
  InvalidArgumentError,
  PermissionDeniedError,
  throwIfAborted,
  UnavailableError,
} from "@dg/sdk/common";
import type { ByteSink } from "./io.js";

/** Options of {@link stdinChunks}. */
export interface StdinChunksOptions {
  /** Ctrl-C: stop waiting for input at once (a pipe that never ends must not block it). */
  readonly signal: AbortSignal;
  /** `--expected-size`: fail as soon as the input is longer, or at its end when shorter. */
  readonly expectedSize?: number;
}

function sizeMismatch(read: number, expected: number, early: boolean): IntegrityError {
  const what = early ? `more than ${expected}` : String(read);
  return new IntegrityError(
    `Standard input gave ${what} bytes but --expected-size is ${expected}; nothing was stored`,
    { hint: "Pass the exact length of the input with --expected-size, or leave the flag out." },
  );
}

/**
 * The bytes of standard input, one chunk at a time (never gathered in memory), ending early
 * with `CancelledError` when `signal` aborts even while no input arrives, and with
 * `IntegrityError` when the length differs from `expectedSize`.
 *
 * @example
 * ```ts
 * for await (const chunk of stdinChunks(process.stdin, { signal })) hash.update(chunk);
 * ```
 */
export async function* stdinChunks(
  stdin: AsyncIterable<unknown>,
  options: StdinChunksOptions,
): AsyncGenerator<Uint8Array> {
  const { signal, expectedSize } = options;
  throwIfAborted(signal);
  const iterator = stdin[Symbol.asyncIterator]();
  let read = 0;
  let finished = false;
  try {
    for (;;) {
      const next = await nextOrAbort(iterator, signal);
      if (next.done) {
        finished = true;
        break;
      }
      const chunk = asBytes(next.value);
      read += chunk.length;
      if (expectedSize !== undefined && read > expectedSize) {
        throw sizeMismatch(read, expectedSize, true);
      }
      yield chunk;
    }
  } finally {
    // Stop reading (and let the process exit) when we leave before the input's end.
    if (!finished) void iterator.return?.()?.catch(() => undefined);
  }
  if (expectedSize !== undefined && read !== expectedSize) {
    throw sizeMismatch(read, expectedSize, false);
  }
}

/**
 * The iterator's next result, or `CancelledError` as soon as `signal` aborts. A fresh listener
 * per call: racing every read against one long-lived promise would keep each chunk reachable
 * from that promise until the end (the whole input in memory).
 */
function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T>> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new CancelledError("Interrupted", { cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  throw new InvalidArgumentError("Standard input gave something other than bytes", {
    hint: "Pipe a file or a program's output into deltaglider.",
  });
}

/** Options of {@link writeToSink}. */
export interface WriteToSinkOptions {
  readonly signal: AbortSignal;
  /** Called after each chunk handed to the sink (what a failure message can count). */
  readonly onBytes?: (bytes: number) => void;
}

/**
 * Write a stream to standard output with back-pressure (waits for `drain`), stopping at the
 * first error of the stream (an integrity failure at its end included) or of the sink (a
 * closed pipe: see {@link isClosedPipe}).
 *
 * @example
 * ```ts
 * const { Body } = await client.getObject({ Bucket: "b", Key: "a.zip" });
 * await writeToSink(Body, process.stdout, { signal });
 * ```
 */
export async function writeToSink(
  source: AsyncIterable<Uint8Array>,
  sink: ByteSink,
  options: WriteToSinkOptions,
): Promise<void> {
  const { signal } = options;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onError = (error: Error) => {
    failure ??= error;
    wake?.();
  };
  const onWake = () => wake?.();
  sink.on("error", onError);
  sink.on("drain", onWake);
  signal.addEventListener("abort", onWake);
  const check = () => {
    if (failure) throw failure;
    throwIfAborted(signal);
  };
  try {
    for await (const chunk of source) {
      check();
      const more = sink.write(chunk);
      options.onBytes?.(chunk.length);
      if (!more && failure === undefined && !signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      check();
    }
  } finally {
    sink.off("error", onError);
    sink.off("drain", onWake);
    signal.removeEventListener("abort", onWake);
  }
}

/** Whether an error is the reader of a pipe going away (`| head -c 100`). */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as { readonly code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

const ELSEWHERE = "Send the output to a file or program you may write to.";

/**
 * The one-line error for a failed write to standard output (a full disk behind `> file`,
 * `> /dev/full`, a read-only or forbidden file), with a hint; a closed pipe is not one of
 * these (see {@link isClosedPipe}).
 *
 * @example
 * ```ts
 * process.stdout.on("error", (e) => controller.abort(stdoutWriteError(e)));
 * ```
 */
export function stdoutWriteError(error: unknown): DgError {
  const code = (error as { readonly code?: unknown } | null)?.code;
  const options = { cause: error };
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return new UnavailableError("Cannot write to standard output: no space left on the device", {
        ...options,
        retryable: false,
        hint: "Free some space on that disk, or send the output to another file or program.",
      });
    case "EACCES":
    case "EPERM":
      return new PermissionDeniedError("Cannot write to standard output: permission denied", {
        ...options,
        hint: ELSEWHERE,
      });
    case "EROFS":
      return new PermissionDeniedError(
        "Cannot write to standard output: it is on a read-only file system",
        { ...options, hint: ELSEWHERE },
      );
    default:
      return new UnavailableError(
        `Cannot write to standard output${typeof code === "string" ? ` (${code})` : ""}`,
        { ...options, retryable: false, hint: ELSEWHERE },
      );
  }
}
