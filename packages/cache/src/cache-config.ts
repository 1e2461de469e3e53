import { homedir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "@dg/core";
import type { CacheKey } from "./cache-key.js";
import { parseCacheKey, processCacheKey } from "./cache-key.js";

export const MIB = 1024 * 1024;
/** Default bound of the filesystem cache, in bytes (2048 MiB). */
export const DEFAULT_FS_CACHE_BYTES = 2048 * MIB;
/** Default bound of the memory cache, in bytes (100 MiB). */
export const DEFAULT_MEMORY_CACHE_BYTES = 100 * MIB;

/** The cache folder when none is given: `~/.cache/deltaglider`. */
export function defaultCacheDirectory(): string {
  return join(homedir(), ".cache", "deltaglider");
}

/** Checks a size given in code (bytes). */
export function checkSizeOption(bytes: number, name: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer number of bytes`);
  }
  return bytes;
}

/**
 * The cache key: the one given (32 bytes, their base64 text, or a key made by
 * `parseCacheKey`), else this process's random key.
 */
export function cacheKeyFrom(option: string | Uint8Array | CacheKey | undefined): CacheKey {
  if (option === undefined) return processCacheKey();
  if (typeof option === "string" || option instanceof Uint8Array) {
    return parseCacheKey(option, "The cache encryption key");
  }
  return option;
}
