export {
  CancelledError,
  ConflictError,
  DG_ERROR_CODES,
  DgError,
  hasCode,
  IntegrityError,
  InternalError,
  InvalidArgumentError,
  isDgError,
  NotFoundError,
  PermissionDeniedError,
  throwIfAborted,
  UnavailableError,
  UnsupportedError,
} from "./errors.js";
export type { DgErrorCode, DgErrorOptions } from "./errors.js";
export type * from "./ports/index.js";
