export type { CacheKey } from "./cache-key.js";
export { parseCacheKey } from "./cache-key.js";
export type { FsReferenceCache, FsReferenceCacheOptions } from "./fs-cache.js";
export { createFsReferenceCache } from "./fs-cache.js";
export type { MemoryReferenceCache, MemoryReferenceCacheOptions } from "./memory-cache.js";
export { createMemoryReferenceCache } from "./memory-cache.js";
