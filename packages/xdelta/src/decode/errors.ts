import { CancelledError, IntegrityError, isDgError, UnsupportedError } from "@dg/core";

const DAMAGED_HINT =
  "The delta is damaged or was not made against this source; download it again or re-create it.";

/** An `IntegrityError` for a delta that is damaged, truncated or inconsistent. */
export function damaged(message: string, cause?: unknown): IntegrityError {
  return new IntegrityError(`Invalid VCDIFF delta: ${message}`, {
    hint: DAMAGED_HINT,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** An `UnsupportedError` for a VCDIFF feature this decoder does not implement. */
export function unsupported(message: string, hint?: string): UnsupportedError {
  return new UnsupportedError(message, hint === undefined ? {} : { hint });
}

/** The hint for features only the native engine has. */
export const NATIVE_ENGINE_HINT =
  "Decode it with the native engine: install xdelta3 and set DG_DELTA_ENGINE=xdelta3.";

const foreignErrors = new WeakSet<object>();

/**
 * Run `fn`, an operation of someone else (the delta stream, the source, a callback), and mark
 * what it throws so that `toDecodeError` passes it through unchanged instead of calling it
 * damage: a network error while reading the delta is not a damaged delta.
 */
export async function foreign<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const marked = typeof error === "object" && error !== null ? error : new Error(String(error));
    foreignErrors.add(marked);
    throw marked;
  }
}

/**
 * Map anything thrown while decoding to the error family: errors of the stream, the source or
 * a callback (see `foreign`) and `DgError`s pass through (an `IntegrityError` of the decoder
 * without a hint gets the damaged-delta message and hint), an abort becomes
 * `CancelledError`, and runtime errors of the decoder itself (a RangeError from a hostile
 * size) become `IntegrityError`, since valid input never causes them.
 */
export function toDecodeError(error: unknown, signal?: AbortSignal): Error {
  if (typeof error === "object" && error !== null && foreignErrors.has(error)) {
    return error as Error;
  }
  // The decoder's own integrity errors without a hint (the VCDIFF integers') are damage too.
  if (isDgError(error)) {
    return error.code === "INTEGRITY" && error.hint === undefined
      ? damaged(error.message, error)
      : error;
  }
  if (signal?.aborted) return new CancelledError("Decoding cancelled", { cause: signal.reason });
  return damaged(error instanceof Error ? error.message : String(error), error);
}
