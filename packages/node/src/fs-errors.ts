import {
  CancelledError,
  ConflictError,
  InternalError,
  InvalidArgumentError,
  isDgError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
} from "@dg/core";
import type { DgError, DgErrorOptions } from "@dg/core";

/** What was being done when a file-system call failed, for the message. */
export interface FsErrorContext {
  /** A verb phrase: "read the file", "create the cache folder", "write". */
  readonly action: string;
  /** The file or folder, or what it stands for to the user (`s3://b/k` in the directory store). */
  readonly path: string;
  /** Replaces the default hint when set. */
  readonly hint?: string;
}

interface ErrnoRule {
  readonly reason: string;
  readonly hint?: string;
  readonly make: (message: string, options: DgErrorOptions) => DgError;
}

const notFound = (message: string, options: DgErrorOptions) => new NotFoundError(message, options);
const denied = (message: string, options: DgErrorOptions) =>
  new PermissionDeniedError(message, options);
const invalid = (message: string, options: DgErrorOptions) =>
  new InvalidArgumentError(message, options);
const busy = (message: string, options: DgErrorOptions) => new UnavailableError(message, options);
const full = (message: string, options: DgErrorOptions) =>
  new UnavailableError(message, { ...options, retryable: false });

const CHECK_PATH = "Check the path.";
const CHECK_PERMISSIONS =
  "Check the owner and permissions of the file and its folder, or choose another folder.";
const FREE_SPACE = "Free some disk space, or choose a folder on another disk.";

/** One rule per errno: the error code, the reason shown after the path, the default hint. */
const RULES: Readonly<Record<string, ErrnoRule>> = {
  ENOENT: { reason: "No such file or folder", hint: CHECK_PATH, make: notFound },
  ENOTDIR: { reason: "A part of the path is not a folder", hint: CHECK_PATH, make: notFound },
  EISDIR: { reason: "Is a folder", hint: "Name a file, not a folder.", make: invalid },
  ENAMETOOLONG: {
    reason: "File name too long",
    hint: "Use a shorter name, or a folder with a shorter path.",
    make: invalid,
  },
  ELOOP: {
    reason: "Too many levels of symbolic links",
    hint: "Check the symbolic links on the path.",
    make: invalid,
  },
  EEXIST: {
    reason: "Already exists",
    hint: "Remove it, or choose another name.",
    make: (message, options) => new ConflictError(message, options),
  },
  EACCES: { reason: "Permission denied", hint: CHECK_PERMISSIONS, make: denied },
  EPERM: { reason: "Operation not permitted", hint: CHECK_PERMISSIONS, make: denied },
  EROFS: {
    reason: "Read-only file system",
    hint: "Choose a folder on a writable file system.",
    make: denied,
  },
  ENOSPC: { reason: "No space left on the device", hint: FREE_SPACE, make: full },
  EDQUOT: { reason: "Disk quota exceeded", hint: FREE_SPACE, make: full },
  EMFILE: {
    reason: "Too many open files",
    hint: "Lower the concurrency, or raise the open-file limit (ulimit -n).",
    make: busy,
  },
  ENFILE: {
    reason: "Too many open files in the system",
    hint: "Lower the concurrency, or close other programs.",
    make: busy,
  },
  EBUSY: { reason: "Resource busy", hint: "Try again once it is free.", make: busy },
  EAGAIN: { reason: "Resource temporarily unavailable", hint: "Try again.", make: busy },
  EIO: { reason: "Input/output error", hint: "Check the disk and its connection.", make: busy },
};

/**
 * The one place that turns a Node file-system error into the `DgError` family, for every
 * package: the same errno gets the same code, reason and hint wherever it happens. The message
 * reads `Could not <action> <path>: <reason>`. Errors that already belong to the family pass
 * through unchanged; an abort becomes `CancelledError`; an errno without a rule is
 * `UnavailableError` (not retryable) and anything else `InternalError`.
 *
 * @example
 * ```ts
 * try {
 *   await open(path, "r");
 * } catch (error) {
 *   throw mapFsError(error, { action: "open the file", path });
 * }
 * ```
 */
export function mapFsError(error: unknown, context: FsErrorContext): DgError {
  if (isDgError(error)) return error;
  const where = `Could not ${context.action} ${context.path}`;
  if (isAbort(error)) return new CancelledError(`${where}: cancelled`, { cause: error });
  const code = errnoCode(error);
  const rule = code === undefined ? undefined : RULES[code];
  if (rule !== undefined) {
    const hint = context.hint ?? rule.hint;
    return rule.make(`${where}: ${rule.reason}`, {
      cause: error,
      ...(hint === undefined ? {} : { hint }),
    });
  }
  if (code !== undefined) {
    return new UnavailableError(`${where}: ${code}`, {
      cause: error,
      retryable: false,
      hint: context.hint ?? "Check the file system; the error code says what it refused.",
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new InternalError(`${where}: ${detail}`, {
    cause: error,
    ...(context.hint === undefined ? {} : { hint: context.hint }),
  });
}

/**
 * The `code` of a Node system error (`"ENOENT"`), if it has one.
 *
 * @example
 * ```ts
 * if (errnoCode(error) === "ENOENT") return undefined;
 * ```
 */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
  }
  return undefined;
}

function isAbort(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === "AbortError" || code === "ABORT_ERR";
}
