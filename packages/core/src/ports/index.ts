export type { ByteStream, OperationOptions, RandomAccessSource, ReplayableBody } from "./common.js";
export type {
  BucketInfo,
  ByteRange,
  CopyObjectOptions,
  DeleteObjectsResult,
  GetObjectOptions,
  GetObjectResult,
  ListedObject,
  ListObjectsOptions,
  ListObjectsPage,
  ObjectHeaders,
  ObjectInfo,
  ObjectStore,
  ObjectTags,
  PutObjectOptions,
  PutObjectResult,
} from "./object-store.js";
export type {
  AclGrant,
  AclGrantee,
  AclOwner,
  AclPermission,
  BucketAcl,
  BucketAclCapability,
  BucketAclChange,
  CannedBucketAcl,
  MultipartUploadsCapability,
  PendingUpload,
  PresignCapability,
  PostPolicyCondition,
  PresignedPost,
  PresignGetOptions,
  PresignPostOptions,
  StoreCapabilities,
} from "./store-capabilities.js";
export type {
  DeltaCodec,
  DeltaDecodeOptions,
  DeltaEncodeOptions,
  DeltaTarget,
  ReplayableTarget,
} from "./delta-codec.js";
export type { ReferenceCache } from "./reference-cache.js";
export type { ScratchBlob, ScratchSpace, ScratchWriter } from "./scratch.js";
export type { Hash, Hasher } from "./hasher.js";
export type { Clock } from "./clock.js";
export type { Logger, LogLevel } from "./logger.js";
export type { ProgressEvent, ProgressListener } from "./progress.js";
