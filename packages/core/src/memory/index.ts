export { createBufferSource } from "./buffer-source.js";
export { createPrefixCodec } from "./prefix-codec.js";
export { createMemoryObjectStore } from "./memory-object-store.js";
export type { MemoryObjectStoreOptions } from "./memory-object-store.js";
export { createSimpleMemoryReferenceCache } from "./memory-reference-cache.js";
export { createMemoryScratchSpace } from "./memory-scratch-space.js";
export { createSha256Hasher } from "./sha256-hasher.js";
export { createFixedClock, createMemoryLogger } from "./clock-and-logger.js";
export type { LogEntry } from "./clock-and-logger.js";
