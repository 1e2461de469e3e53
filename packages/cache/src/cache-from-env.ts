import type { ReferenceCache } from "@dg/core";
import { InvalidArgumentError } from "@dg/core";
import type { CacheEnv } from "./cache-config.js";
import { createFsReferenceCache } from "./fs-cache.js";
import { createMemoryReferenceCache } from "./memory-cache.js";

/** The values `DG_CACHE_BACKEND` accepts. */
export const CACHE_BACKENDS = ["filesystem", "memory"] as const;
export type CacheBackend = (typeof CACHE_BACKENDS)[number];

/**
 * The reference cache the environment asks for: `DG_CACHE_BACKEND=filesystem` (the default)
 * or `memory`, configured by `DG_CACHE_DIR`, `DG_CACHE_MAX_SIZE_MB`, `DG_CACHE_ENCRYPTION_KEY`
 * and `DG_CACHE_MEMORY_SIZE_MB`. Throws `InvalidArgumentError` for a value it cannot use.
 *
 * @example
 * ```ts
 * const cache = createCacheFromEnv(process.env);
 * ```
 */
export function createCacheFromEnv(env: CacheEnv = process.env): ReferenceCache {
  const backend = cacheBackendFrom(env);
  return backend === "memory"
    ? createMemoryReferenceCache({ env })
    : createFsReferenceCache({ env });
}

/** Which backend `DG_CACHE_BACKEND` names (case-insensitive); `filesystem` when unset. */
export function cacheBackendFrom(env: CacheEnv): CacheBackend {
  const value = env.DG_CACHE_BACKEND?.trim().toLowerCase() ?? "";
  if (value === "") return "filesystem";
  const backend = CACHE_BACKENDS.find((name) => name === value);
  if (!backend) {
    throw new InvalidArgumentError(
      `DG_CACHE_BACKEND must be one of ${CACHE_BACKENDS.join(", ")}, got ${JSON.stringify(value)}`,
      { hint: "Unset it to use the encrypted filesystem cache." },
    );
  }
  return backend;
}
