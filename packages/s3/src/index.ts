export { assertBucketName, bucketNameProblem } from "./bucket-name.js";
export { PROBE_PREFIX } from "./conditional-write-probe.js";
export type { DirObjectStoreOptions } from "./dir/dir-object-store.js";
export { createDirObjectStore } from "./dir/dir-object-store.js";
export type { S3ErrorContext } from "./map-s3-error.js";
export { mapS3Error } from "./map-s3-error.js";
export type { S3Headers } from "./object-fields.js";
export { fromS3Headers, toS3Headers } from "./object-fields.js";
export { partSizer } from "./part-size.js";
export { createS3Capabilities } from "./s3-capabilities.js";
export type { S3ConnectionOptions, S3Credentials, S3Timeouts } from "./s3-client.js";
export {
  createS3Client,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
  s3RequestHandlerOptions,
} from "./s3-client.js";
export type { S3ObjectStoreOptions } from "./s3-object-store.js";
export { createS3ObjectStore } from "./s3-object-store.js";
