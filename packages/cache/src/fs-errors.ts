import {
  InternalError,
  isDgError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
} from "@dg/core";
import type { DgError } from "@dg/core";

/** What was being done when a file-system call failed, for the message. */
export interface FsErrorContext {
  /** A verb phrase: "open the cache entry", "create the cache folder". */
  readonly action: string;
  readonly path: string;
  /** Replaces the default hint when set. */
  readonly hint?: string;
}

/**
 * The one place that turns a Node file-system error into the `DgError` family. Errors that
 * already belong to the family pass through unchanged.
 */
export function mapFsError(error: unknown, context: FsErrorContext): DgError {
  if (isDgError(error)) return error;
  const code = errnoCode(error);
  const where = `Could not ${context.action} (${context.path})`;
  // Node's recursive mkdir reports ENOENT, not EROFS, under a read-only file system.
  if (code === "ENOENT" && (error as { syscall?: unknown }).syscall === "mkdir") {
    return new PermissionDeniedError(
      `${where}: permission denied (a folder above it cannot be written; read-only file system?)`,
      { cause: error, ...hintFor(context, "Choose a folder on a file system you can write to.") },
    );
  }
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return new NotFoundError(`${where}: no such file or folder`, {
        cause: error,
        ...hintFor(context, undefined),
      });
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new PermissionDeniedError(`${where}: permission denied`, {
        cause: error,
        ...hintFor(context, "Check the folder's permissions, or choose another folder."),
      });
    case "ENOSPC":
    case "EDQUOT":
      return new UnavailableError(`${where}: no space left on the device`, {
        cause: error,
        retryable: false,
        ...hintFor(context, "Free some disk space, or choose a folder on another disk."),
      });
    case "EMFILE":
    case "ENFILE":
    case "EBUSY":
    case "EAGAIN":
    case "EIO":
      return new UnavailableError(`${where}: ${code}`, { cause: error });
    default:
      return new InternalError(`${where}${code ? `: ${code}` : ""}`, { cause: error });
  }
}

/** The `code` of a Node system error (`"ENOENT"`), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

function hintFor(context: FsErrorContext, fallback: string | undefined): { hint?: string } {
  const hint = context.hint ?? fallback;
  return hint === undefined ? {} : { hint };
}
