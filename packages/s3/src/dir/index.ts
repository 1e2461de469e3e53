// The local-directory store alone: importing it does not load the AWS SDK (`@dg/s3/dir`).
export type { DirObjectStoreOptions } from "./dir-object-store.js";
export { createDirObjectStore } from "./dir-object-store.js";
