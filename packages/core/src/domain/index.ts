/**
 * `@dg/core/domain`: the vocabulary of deltaglider without its services: the error family, S3
 * URIs, deltaspaces and the key mapping, the `.deltaglider/` folder, the metadata schema,
 * object headers and tags, the delta policies. Pure functions and constants: importing it
 * loads no service code (the CLI imports it, through `@dg/sdk/common`, at start-up).
 */
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
} from "../errors.js";
export type { DgErrorCode, DgErrorOptions } from "../errors.js";
export {
  asFolderPrefix,
  formatS3Uri,
  isFolderKey,
  looksLikeS3Uri,
  parseS3Uri,
  uploadKeyFor,
  validateBucketName,
} from "./s3-uri.js";
export type { S3Uri } from "./s3-uri.js";
export {
  assertStorableKey,
  baseName,
  DELTA_SUFFIX,
  deltaKeyFor,
  deltaspaceOf,
  directKeyFor,
  EXTRA_REFERENCES_FOLDER,
  extraReferenceKeyFor,
  extraReferencesPrefix,
  isExtraReferenceKey,
  isExtraReferencesPrefix,
  isInternalKey,
  isReferenceKey,
  logicalKeyOf,
  owningDeltaspaceOf,
  REFERENCE_NAME,
  referenceKeyFor,
} from "./deltaspace.js";
export {
  chooseReference,
  DEFAULT_MAX_REFERENCES,
  DEFAULT_NEW_REFERENCE_RATIO,
  decideStorage,
  referencesToRetire,
  validateMaxReferences,
  validateNewReferenceRatio,
} from "./reference-choice.js";
export type {
  ChosenReference,
  ReferenceCandidate,
  StorageDecision,
  StorageInputs,
} from "./reference-choice.js";
export {
  createSketcher,
  encodeSketch,
  estimateSimilarity,
  parseSketch,
  SKETCH_SIZE,
} from "./sketch.js";
export type { Sketch, Sketcher } from "./sketch.js";
export {
  FACTS_PREFIX,
  factsFolderPrefixFor,
  factsKeyFor,
  INTERNAL_PREFIX,
  PROBE_PREFIX,
  SET_ASIDE_PREFIX,
  setAsideKeyFor,
  STATS_CACHE_PREFIX,
  statsCacheKeyFor,
  TEMP_PREFIX,
  tempKeyFor,
  UPLOAD_MARKER_PREFIX,
  uploadMarkerKeyFor,
} from "./internal-folder.js";
export {
  formatShard,
  MAX_SHARD_COUNT,
  parseShard,
  resolveShard,
  SHARD_INDEX_VARIABLES,
  shardIndexOf,
  shardSelector,
} from "./shard.js";
export type { Shard, ShardInputs, ShardSelector } from "./shard.js";
export { parseExpiry } from "./expiry.js";
export { expiresAtText, readRehydratedCopy, rehydratedMetadata } from "./rehydrated.js";
export type { RehydratedCopyInfo } from "./rehydrated.js";
export {
  classifyStoredObject,
  deltaMetadata,
  DIRECT_REASONS,
  directMetadata,
  directReasonOf,
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
} from "./metadata.js";
export type {
  DeltaMetadata,
  DirectMetadata,
  DirectReason,
  Metadata,
  MetadataField,
  ReferenceMetadata,
  StoredObjectKind,
} from "./metadata.js";
export {
  compactHeaders,
  hasControlCharacter,
  headersEntry,
  OBJECT_HEADER_FIELDS,
  optionalEntry,
  validateHeaders,
} from "./object-headers.js";
export {
  formatTagging,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  parseTagging,
  tagCountOf,
  validateTags,
} from "./tags.js";
export {
  DEFAULT_DELTA_EXTENSIONS,
  DEFAULT_MAX_RATIO,
  directReasonOfObject,
  exceedsMaxRatio,
  isDeltaEligible,
  validateMaxRatio,
} from "./policy.js";
