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

export {
  formatS3Uri,
  isFolderKey,
  looksLikeS3Uri,
  parseS3Uri,
  uploadKeyFor,
  validateBucketName,
} from "./domain/s3-uri.js";
export type { S3Uri } from "./domain/s3-uri.js";
export {
  assertStorableKey,
  baseName,
  DELTA_SUFFIX,
  deltaKeyFor,
  deltaspaceOf,
  directKeyFor,
  INTERNAL_PREFIX,
  isInternalKey,
  isReferenceKey,
  logicalKeyOf,
  REFERENCE_NAME,
  referenceKeyFor,
} from "./domain/deltaspace.js";
export {
  classifyStoredObject,
  deltaMetadata,
  directMetadata,
  formatTimestamp,
  METADATA_ALIASES,
  originalNameOf,
  parseDeltaMetadata,
  parseDirectMetadata,
  parseReferenceMetadata,
  parseTimestamp,
  readField,
  referenceMetadata,
  toolName,
  userMetadataOf,
  userMetadataToStore,
  ZERO_DIFF_NOTE,
} from "./domain/metadata.js";
export type {
  DeltaMetadata,
  DirectMetadata,
  Metadata,
  MetadataField,
  ReferenceMetadata,
  StoredObjectKind,
} from "./domain/metadata.js";
export {
  compactHeaders,
  hasControlCharacter,
  headersEntry,
  OBJECT_HEADER_FIELDS,
  optionalEntry,
  validateHeaders,
} from "./domain/object-headers.js";
export {
  formatTagging,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  parseTagging,
  tagCountOf,
  validateTags,
} from "./domain/tags.js";
export {
  DEFAULT_DELTA_EXTENSIONS,
  DEFAULT_MAX_RATIO,
  exceedsMaxRatio,
  isDeltaEligible,
  validateMaxRatio,
} from "./domain/policy.js";

export { createDeltaService } from "./service/delta-service.js";
export type { DeltaService } from "./service/delta-service.js";
export { mapLimit } from "./service/context.js";
export { hashStream, sliceStream, spool, verifiedStream } from "./service/streams.js";
export type {
  CopyOptions,
  DeleteManyResult,
  DeleteResult,
  DeltaServiceOptions,
  GetOptions,
  GetResult,
  KeyFailure,
  ListOptions,
  ListResult,
  LogicalListedObject,
  LogicalObjectInfo,
  PutOptions,
  PutResult,
  StorageType,
} from "./service/types.js";
export { collectBytes, compareKeys, concatBytes, streamOf } from "./util/bytes.js";
export { clampReadRange } from "./util/read-range.js";
export type { ReadRange } from "./util/read-range.js";
