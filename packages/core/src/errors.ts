/**
 * The one error family of deltaglider. Every adapter maps its vendor's errors to one of these
 * codes in exactly one function; the CLI prints `message` and `hint` for user-fixable errors.
 */
export const DG_ERROR_CODES = [
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "CONFLICT",
  "INTEGRITY",
  "UNAVAILABLE",
  "PERMISSION_DENIED",
  "UNSUPPORTED",
  "CANCELLED",
  "INTERNAL",
] as const;

export type DgErrorCode = (typeof DG_ERROR_CODES)[number];

export interface DgErrorOptions {
  /** What the user can do about it, in one sentence. */
  readonly hint?: string;
  readonly cause?: unknown;
  /** Whether repeating the same call may succeed (throttling, 5xx, network). */
  readonly retryable?: boolean;
}

/**
 * Base class of every error deltaglider throws on purpose.
 *
 * @example
 * ```ts
 * try { await client.getObject({ Bucket: "b", Key: "k" }); }
 * catch (e) { if (isDgError(e) && e.code === "NOT_FOUND") console.log(e.hint); }
 * ```
 */
export abstract class DgError extends Error {
  abstract readonly code: DgErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: DgErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }

  /** True for errors the user can fix (bad input, missing object, credentials). */
  get userFixable(): boolean {
    return this.code !== "INTERNAL";
  }
}

export class InvalidArgumentError extends DgError {
  readonly code = "INVALID_ARGUMENT" as const;
  override readonly name = "InvalidArgumentError";
}
export class NotFoundError extends DgError {
  readonly code = "NOT_FOUND" as const;
  override readonly name = "NotFoundError";
}
export class ConflictError extends DgError {
  readonly code = "CONFLICT" as const;
  override readonly name = "ConflictError";
}
export class IntegrityError extends DgError {
  readonly code = "INTEGRITY" as const;
  override readonly name = "IntegrityError";
}
export class UnavailableError extends DgError {
  readonly code = "UNAVAILABLE" as const;
  override readonly name = "UnavailableError";
  constructor(message: string, options: DgErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}
export class PermissionDeniedError extends DgError {
  readonly code = "PERMISSION_DENIED" as const;
  override readonly name = "PermissionDeniedError";
}
export class UnsupportedError extends DgError {
  readonly code = "UNSUPPORTED" as const;
  override readonly name = "UnsupportedError";
}
export class CancelledError extends DgError {
  readonly code = "CANCELLED" as const;
  override readonly name = "CancelledError";
}
export class InternalError extends DgError {
  readonly code = "INTERNAL" as const;
  override readonly name = "InternalError";
}

/** Narrow an unknown thrown value to the error family. */
export function isDgError(value: unknown): value is DgError {
  return value instanceof DgError;
}

/** Narrow to one code: `hasCode(e, "NOT_FOUND")`. */
export function hasCode<C extends DgErrorCode>(
  value: unknown,
  code: C,
): value is DgError & { readonly code: C } {
  return isDgError(value) && value.code === code;
}

/** Throw `CancelledError` when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CancelledError("Operation cancelled", { cause: signal.reason });
  }
}
