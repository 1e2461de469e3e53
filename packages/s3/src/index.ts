export { assertBucketName, bucketNameProblem } from "./bucket-name.js";
export type { DirObjectStoreOptions } from "./dir/dir-object-store.js";
export { createDirObjectStore } from "./dir/dir-object-store.js";
