import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { InvalidArgumentError } from "@dg/core";
import type { CacheKey } from "./cache-key.js";
import { parseCacheKey, processCacheKey } from "./cache-key.js";

/** Environment variables, as `process.env` has them. */
export type CacheEnv = Readonly<Record<string, string | undefined>>;

export const MIB = 1024 * 1024;
export const DEFAULT_FS_CACHE_MB = 2048;
export const DEFAULT_MEMORY_CACHE_MB = 100;

/**
 * The cache folder: `DG_CACHE_DIR`, else `$XDG_CACHE_HOME/deltaglider`, else
 * `~/.cache/deltaglider`. A relative `XDG_CACHE_HOME` is ignored, as the XDG spec says.
 */
export function defaultCacheDirectory(env: CacheEnv): string {
  const explicit = nonEmpty(env.DG_CACHE_DIR);
  if (explicit !== undefined) return explicit;
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
  return join(base, "deltaglider");
}

/**
 * A size in MiB from the variable `name` (`"2048"`, `"0.5"`), in bytes; `fallbackMb` when it is
 * unset or empty.
 */
export function sizeFromEnv(env: CacheEnv, name: string, fallbackMb: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallbackMb * MIB;
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new InvalidArgumentError(`${name} must be a size in MB, got ${JSON.stringify(text)}`, {
      hint: `For example ${name}=${fallbackMb}`,
    });
  }
  return Math.floor(Number(text) * MIB);
}

/** Checks a size given in code (bytes). */
export function checkSizeOption(bytes: number, name: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer number of bytes`);
  }
  return bytes;
}

/**
 * The cache key: the one given in code, else `DG_CACHE_ENCRYPTION_KEY`, else this process's
 * random key.
 */
export function cacheKeyFrom(option: string | Uint8Array | undefined, env: CacheEnv): CacheKey {
  if (option !== undefined) return parseCacheKey(option, "The cache encryption key");
  const text = nonEmpty(env.DG_CACHE_ENCRYPTION_KEY);
  if (text !== undefined) return parseCacheKey(text, "DG_CACHE_ENCRYPTION_KEY");
  return processCacheKey();
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
