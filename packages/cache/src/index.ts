export type { CacheEnv } from "./cache-config.js";
export type { CacheBackend } from "./cache-from-env.js";
export { CACHE_BACKENDS, cacheBackendFrom, createCacheFromEnv } from "./cache-from-env.js";
export type { FsReferenceCache, FsReferenceCacheOptions } from "./fs-cache.js";
export { createFsReferenceCache } from "./fs-cache.js";
export type { MemoryReferenceCache, MemoryReferenceCacheOptions } from "./memory-cache.js";
export { createMemoryReferenceCache } from "./memory-cache.js";
