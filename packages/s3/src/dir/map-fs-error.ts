import {
  CancelledError,
  type DgError,
  InternalError,
  InvalidArgumentError,
  isDgError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
} from "@dg/core";

/**
 * The one place where file-system errors of the directory store become the error family.
 * `what` names the object or bucket, e.g. `s3://b/k` or `bucket b`.
 */
export function mapFsError(error: unknown, what: string): DgError {
  if (isDgError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError") return new CancelledError(`Cancelled: ${what}`, { cause: error });
  // Node's recursive mkdir reports ENOENT, not EROFS, under a read-only file system.
  if (code === "ENOENT" && (error as { syscall?: unknown } | null)?.syscall === "mkdir") {
    return new PermissionDeniedError(
      `Permission denied on ${what}: a folder above it cannot be written (read-only file system?)`,
      {
        cause: error,
        hint: "Check the owner and mode of the store's folder, and that it is not read-only.",
      },
    );
  }
  switch (code) {
    case "ENOENT":
      return new NotFoundError(`Not found: ${what}`, {
        cause: error,
        hint: "Check the name (keys are case-sensitive); list the prefix to see what exists.",
      });
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new PermissionDeniedError(`Permission denied on ${what}`, {
        cause: error,
        hint: "Check the owner and mode of the store's folder, and that it is not read-only.",
      });
    case "ENAMETOOLONG":
      return new InvalidArgumentError(`Key too long for this file system: ${what}`, {
        cause: error,
        hint: "Use a shorter key, or a store folder with a shorter path.",
      });
    case "ENOSPC":
    case "EDQUOT":
      return new UnavailableError(`No space left to write ${what}`, {
        cause: error,
        retryable: false,
        hint: "Free some disk space, then try again.",
      });
    case "EMFILE":
    case "ENFILE":
    case "EBUSY":
    case "EAGAIN":
    case "EIO":
      return new UnavailableError(`File system busy or failing on ${what} (${code})`, {
        cause: error,
      });
    default:
      return new InternalError(`File system error on ${what}: ${String(error)}`, { cause: error });
  }
}
