/**
 * What a program using the SDK needs besides the client itself: S3 URI parsing, the error
 * family, and the checks the client applies to object fields, so that a tool can refuse bad
 * input before it builds a client. Nothing here loads a store, a codec or a cache: a CLI can
 * import this module at start-up and load `createClient` (from `@dg/sdk`) only when a command
 * runs. `@dg/sdk` re-exports all of it.
 *
 * @example
 * ```ts
 * import { hasCode, parseS3Uri } from "@dg/sdk/common";
 * const { bucket, key } = parseS3Uri("s3://releases/app/v1.zip");
 * ```
 */
export {
  asFolderPrefix,
  baseName,
  CancelledError,
  ConflictError,
  DgError,
  formatS3Uri,
  formatShard,
  hasCode,
  hasControlCharacter,
  IntegrityError,
  InternalError,
  InvalidArgumentError,
  isDgError,
  isFolderKey,
  looksLikeS3Uri,
  MAX_SHARD_COUNT,
  NotFoundError,
  OBJECT_HEADER_FIELDS,
  PermissionDeniedError,
  parseS3Uri,
  parseShard,
  resolveShard,
  SET_ASIDE_PREFIX,
  SHARD_INDEX_VARIABLES,
  TEMP_PREFIX,
  UPLOAD_MARKER_PREFIX,
  throwIfAborted,
  UnavailableError,
  UnsupportedError,
  uploadKeyFor,
  userMetadataToStore,
  validateBucketName,
} from "@dg/core/domain";
export type {
  DgErrorCode,
  Logger,
  LogLevel,
  ObjectHeaders,
  ObjectTags,
  ProgressEvent,
  ProgressListener,
  S3Uri,
  Shard,
  ShardInputs,
  ShardSelector,
} from "@dg/core";
export { createShardSelector } from "./shard.js";
