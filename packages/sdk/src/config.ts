import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CacheKey, parseCacheKey } from "@dg/cache";
import type { LogLevel } from "@dg/core";
import {
  DEFAULT_MAX_RATIO,
  DEFAULT_MAX_REFERENCES,
  DEFAULT_NEW_REFERENCE_RATIO,
  InvalidArgumentError,
  validateMaxRatio,
  validateMaxReferences,
  validateNewReferenceRatio,
} from "@dg/core";
import type {
  CacheBackend,
  ChecksumMode,
  ClientOptions,
  CredentialsOption,
  DeltaEngine,
  DeltaFormat,
  Env,
} from "./options.js";
import { nonEmpty, readSharedProfile } from "./shared-config.js";

/** Where the buckets are. */
export type StoreLocation =
  | { readonly kind: "s3"; readonly endpoint?: string }
  | { readonly kind: "dir"; readonly endpoint: string; readonly root: string };

/**
 * The reference cache a client builds (when none is injected). Unset fields take the cache's
 * own defaults (`~/.cache/deltaglider`, 2048 MiB on disk, 100 MiB in memory, a per-process key).
 */
export interface CacheConfig {
  /** `DG_CACHE_BACKEND` (or the `cacheBackend` option); default `filesystem`. */
  readonly backend: CacheBackend;
  /** `DG_CACHE_DIR`, else `$XDG_CACHE_HOME/deltaglider` (an absolute `XDG_CACHE_HOME` only). */
  readonly directory: string | undefined;
  /** `DG_CACHE_MAX_SIZE_MB`, in bytes: the bound of the filesystem cache. */
  readonly maxSizeBytes: number | undefined;
  /** `DG_CACHE_MEMORY_SIZE_MB`, in bytes: the bound of the memory cache. */
  readonly memoryMaxSizeBytes: number | undefined;
  /** `DG_CACHE_ENCRYPTION_KEY`, checked. */
  readonly encryptionKey: CacheKey | undefined;
}

/**
 * Every setting of a client, resolved once from options, environment and shared config. The
 * adapters get their part of it as options; none of them reads the environment.
 */
export interface ResolvedConfig {
  readonly location: StoreLocation;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly credentials: CredentialsOption | undefined;
  readonly forcePathStyle: boolean;
  readonly checksumMode: ChecksumMode | undefined;
  readonly maxAttempts: number | undefined;
  /** Connect and read timeouts of S3 requests, in ms (0: none). */
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** The cache to build (with an injected `options.cache` the environment is not read for it). */
  readonly cache: CacheConfig;
  readonly maxRatio: number;
  /** Above this share of a file, its delta makes it a new reference of its folder. */
  readonly newReferenceRatio: number;
  /** The most references a folder holds (its `reference.bin` included). */
  readonly maxReferences: number;
  readonly deltaEngine: DeltaEngine;
  /** Secondary compression of the VCDIFF deltas written (`lzma`, or `none` for plain sections). */
  readonly deltaSecondary: "lzma" | "none";
  /** The format of the deltas written (`vcdiff` whenever `compat`). */
  readonly deltaFormat: DeltaFormat;
  readonly compat: boolean;
  /** Parallel metadata requests (HEADs of listings, stats, purge, deletes). */
  readonly metadataConcurrency: number;
  /** Whether the object-facts index under `.deltaglider/facts/` is read and written. */
  readonly objectIndex: boolean;
  readonly logLevel: LogLevel;
}

/** Default of `metadataConcurrency` (`DG_METADATA_CONCURRENCY`). */
export const DEFAULT_METADATA_CONCURRENCY = 64;

/**
 * Resolve the settings of a client once: each option wins over its environment variables,
 * which win over the shared AWS config file's profile. Bad values are `InvalidArgumentError`s
 * naming the option or variable. `createClient` calls it; it is exported for tools that want to
 * show or check the configuration without building a client.
 *
 * @example
 * ```ts
 * const config = resolveConfig(process.env, { endpoint: "file:///srv/dg" });
 * config.location; // { kind: "dir", endpoint: "file:///srv/dg", root: "/srv/dg" }
 * ```
 */
export function resolveConfig(env: Env, options: ClientOptions = {}): ResolvedConfig {
  const compat = options.compat ?? compatFromEnv(env);
  const deltaEngine = options.deltaEngine ?? deltaEngineFromEnv(env);
  const profile = nonEmpty(options.profile) ?? nonEmpty(env.AWS_PROFILE);
  // The shared config file is read only when something is still missing.
  let shared: ReturnType<typeof readSharedProfile> | undefined;
  const sharedProfile = () => {
    shared ??= readSharedProfile(env, profile ?? "default");
    return shared;
  };
  const endpoint =
    nonEmpty(options.endpoint) ??
    nonEmpty(env.DG_ENDPOINT_URL) ??
    nonEmpty(env.AWS_ENDPOINT_URL_S3) ??
    nonEmpty(env.AWS_ENDPOINT_URL) ??
    (options.s3Client || options.store ? undefined : sharedProfile().endpointUrl);
  const location = locationOf(endpoint);
  const region =
    nonEmpty(options.region) ??
    nonEmpty(env.AWS_REGION) ??
    nonEmpty(env.AWS_DEFAULT_REGION) ??
    (options.s3Client || options.store || location.kind === "dir"
      ? undefined
      : sharedProfile().region);
  return {
    location,
    region,
    profile,
    credentials: options.credentials ?? credentialsFromEnv(env),
    forcePathStyle:
      options.forcePathStyle ??
      booleanFromEnv(env, "DG_FORCE_PATH_STYLE") ??
      location.endpoint !== undefined,
    checksumMode: options.checksumMode ?? checksumModeFromEnv(env),
    maxAttempts: options.maxAttempts ?? positiveIntegerFromEnv(env, "AWS_MAX_ATTEMPTS"),
    connectTimeoutMs: checkTimeout(
      "connectTimeoutMs",
      options.connectTimeoutMs ?? secondsFromEnv(env, "DG_CONNECT_TIMEOUT") ?? 60_000,
    ),
    readTimeoutMs: checkTimeout(
      "readTimeoutMs",
      options.readTimeoutMs ?? secondsFromEnv(env, "DG_READ_TIMEOUT") ?? 60_000,
    ),
    cache: cacheConfigFrom(options.cache ? {} : env, options.cacheBackend),
    maxRatio: validateMaxRatio(options.maxRatio ?? maxRatioFromEnv(env) ?? DEFAULT_MAX_RATIO),
    newReferenceRatio: validateNewReferenceRatio(
      options.newReferenceRatio ??
        ratioFromEnv(
          env,
          "DG_NEW_REFERENCE_RATIO",
          "0.2 (a delta above a fifth of the file makes it a new reference)",
        ) ??
        DEFAULT_NEW_REFERENCE_RATIO,
    ),
    maxReferences: validateMaxReferences(
      options.maxReferences ??
        positiveIntegerFromEnv(env, "DG_MAX_REFERENCES") ??
        DEFAULT_MAX_REFERENCES,
    ),
    deltaEngine,
    deltaSecondary: options.deltaSecondary ?? deltaSecondaryFromEnv(env),
    deltaFormat: resolveDeltaFormat(options, env, compat, deltaEngine),
    compat,
    // DG_CONCURRENCY is the CLI's number of files in flight, not this.
    metadataConcurrency: checkConcurrency(
      options.metadataConcurrency ??
        options.concurrency ??
        positiveIntegerFromEnv(env, "DG_METADATA_CONCURRENCY") ??
        DEFAULT_METADATA_CONCURRENCY,
    ),
    objectIndex: options.objectIndex ?? objectIndexFromEnv(env),
    logLevel: options.logLevel ?? logLevelFromEnv(env) ?? "warn",
  };
}

function locationOf(endpoint: string | undefined): StoreLocation {
  if (endpoint === undefined) return { kind: "s3" };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    throw badEndpoint(endpoint, error);
  }
  if (url.protocol === "file:") {
    return { kind: "dir", endpoint, root: fileURLToPath(url) };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badEndpoint(endpoint);
  return { kind: "s3", endpoint };
}

function badEndpoint(endpoint: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`Invalid endpoint URL: ${endpoint}`, {
    hint: "Use http(s)://host:port for an S3-compatible server, or file:///absolute/path for a local directory.",
    ...(cause === undefined ? {} : { cause }),
  });
}

function credentialsFromEnv(env: Env): CredentialsOption | undefined {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

function booleanFromEnv(env: Env, name: string): boolean | undefined {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined) return undefined;
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new InvalidArgumentError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function positiveIntegerFromEnv(env: Env, name: string): number | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(
      `${name} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** A timeout variable in seconds (fractions allowed; 0: no limit), as milliseconds. */
function secondsFromEnv(env: Env, name: string): number | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  if (!/^\d*\.?\d+$/.test(value)) {
    throw new InvalidArgumentError(
      `${name} must be a number of seconds, got ${JSON.stringify(value)}`,
      {
        hint: `For example ${name}=60; 0 waits forever.`,
      },
    );
  }
  return Math.round(Number(value) * 1000);
}

function checkTimeout(name: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidArgumentError(`Invalid ${name}: ${ms}`, {
      hint: "Give a whole number of milliseconds, 0 or more (0: no limit).",
    });
  }
  return ms;
}

function checkConcurrency(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > 1024) {
    throw new InvalidArgumentError(`Invalid concurrency: ${value}`, {
      hint: "Give a whole number from 1 to 1024.",
    });
  }
  return value;
}

function maxRatioFromEnv(env: Env): number | undefined {
  return ratioFromEnv(env, "DG_MAX_RATIO", "0.5 (a delta may be half the file)");
}

/** A ratio from the variable `name` (checked by the caller's validation for its range). */
function ratioFromEnv(env: Env, name: string, example: string): number | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  const ratio = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !Number.isFinite(ratio)) {
    throw new InvalidArgumentError(`${name} must be a number, got ${JSON.stringify(value)}`, {
      hint: `For example ${name}=${example}.`,
    });
  }
  return ratio;
}

const CACHE_BACKENDS: readonly CacheBackend[] = ["filesystem", "memory"];

/** The cache settings; only the chosen backend's variables are read (and checked). */
function cacheConfigFrom(env: Env, backendOption: CacheBackend | undefined): CacheConfig {
  const backend = backendOption ?? cacheBackendFromEnv(env);
  if (backend === "memory") {
    return {
      backend,
      directory: undefined,
      maxSizeBytes: undefined,
      memoryMaxSizeBytes: megabytesFromEnv(env, "DG_CACHE_MEMORY_SIZE_MB", 100),
      encryptionKey: undefined,
    };
  }
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  const key = nonEmpty(env.DG_CACHE_ENCRYPTION_KEY);
  return {
    backend,
    directory:
      nonEmpty(env.DG_CACHE_DIR) ??
      // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
      (xdg !== undefined && isAbsolute(xdg) ? join(xdg, "deltaglider") : undefined),
    maxSizeBytes: megabytesFromEnv(env, "DG_CACHE_MAX_SIZE_MB", 2048),
    memoryMaxSizeBytes: undefined,
    encryptionKey: key === undefined ? undefined : parseCacheKey(key, "DG_CACHE_ENCRYPTION_KEY"),
  };
}

function cacheBackendFromEnv(env: Env): CacheBackend {
  const value = nonEmpty(env.DG_CACHE_BACKEND)?.toLowerCase();
  if (value === undefined) return "filesystem";
  const backend = CACHE_BACKENDS.find((name) => name === value);
  if (!backend) {
    throw new InvalidArgumentError(
      `DG_CACHE_BACKEND must be one of ${CACHE_BACKENDS.join(", ")}, got ${JSON.stringify(value)}`,
      { hint: "Unset it to use the encrypted filesystem cache." },
    );
  }
  return backend;
}

/** A size in MiB (`"2048"`, `"0.5"`) from the variable `name`, in bytes. */
function megabytesFromEnv(env: Env, name: string, exampleMb: number): number | undefined {
  const text = nonEmpty(env[name]);
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new InvalidArgumentError(`${name} must be a size in MB, got ${JSON.stringify(text)}`, {
      hint: `For example ${name}=${exampleMb}`,
    });
  }
  return Math.floor(Number(text) * 1024 * 1024);
}

const DELTA_ENGINES: readonly DeltaEngine[] = ["builtin", "xdelta3"];

function compatFromEnv(env: Env): boolean {
  const value = nonEmpty(env.DG_COMPAT)?.toLowerCase();
  if (value === undefined || value === "none" || value === "false" || value === "0") return false;
  if (value === "python" || value === "true" || value === "1") return true;
  throw new InvalidArgumentError(
    `DG_COMPAT must be python or unset, got ${JSON.stringify(value)}`,
    {
      hint: "DG_COMPAT=python writes only plain VCDIFF deltas, which the Python DeltaGlider can read.",
    },
  );
}

function objectIndexFromEnv(env: Env): boolean {
  const value = nonEmpty(env.DG_OBJECT_INDEX)?.toLowerCase();
  if (value === undefined || value === "true" || value === "1" || value === "on") return true;
  if (value === "false" || value === "0" || value === "off") return false;
  throw new InvalidArgumentError(
    `DG_OBJECT_INDEX must be true or false, got ${JSON.stringify(value)}`,
    {
      hint: "DG_OBJECT_INDEX=false stops reading and writing the object-facts index under .deltaglider/facts/.",
    },
  );
}

function deltaSecondaryFromEnv(env: Env): "lzma" | "none" {
  const value = nonEmpty(env.DG_DELTA_SECONDARY)?.toLowerCase();
  if (value === undefined || value === "lzma") return "lzma";
  if (value === "none") return "none";
  throw new InvalidArgumentError(
    `DG_DELTA_SECONDARY must be lzma or none, got ${JSON.stringify(value)}`,
    {
      hint: "none writes VCDIFF without secondary compression, for an xdelta3 built without LZMA.",
    },
  );
}

/**
 * The format the deltas are written in: `deltaFormat` or `DG_DELTA_FORMAT`, else dgd, except
 * that compat mode writes VCDIFF only (asking for dgd there is an error), and so does the
 * `xdelta3` engine unless dgd is asked for.
 */
function resolveDeltaFormat(
  options: ClientOptions,
  env: Env,
  compat: boolean,
  engine: DeltaEngine,
): DeltaFormat {
  const fromEnv = nonEmpty(env.DG_DELTA_FORMAT)?.toLowerCase();
  if (fromEnv !== undefined && fromEnv !== "dgd" && fromEnv !== "vcdiff") {
    throw new InvalidArgumentError(
      `DG_DELTA_FORMAT must be dgd or vcdiff, got ${JSON.stringify(fromEnv)}`,
      {
        hint: "dgd writes smaller deltas only deltaglider reads; vcdiff writes what xdelta3 reads.",
      },
    );
  }
  const asked = options.deltaFormat ?? fromEnv;
  if (compat) {
    if (asked === "dgd") {
      throw new InvalidArgumentError("The dgd delta format cannot be written in compat mode", {
        hint: "Compat mode (DG_COMPAT=python) writes VCDIFF only, which the Python DeltaGlider reads; drop one of the two.",
      });
    }
    return "vcdiff";
  }
  return asked ?? (engine === "xdelta3" ? "vcdiff" : "dgd");
}

function deltaEngineFromEnv(env: Env): DeltaEngine {
  const value = nonEmpty(env.DG_DELTA_ENGINE)?.toLowerCase();
  if (value === undefined) return "builtin";
  const engine = DELTA_ENGINES.find((name) => name === value);
  if (!engine) {
    throw new InvalidArgumentError(
      `DG_DELTA_ENGINE must be builtin or xdelta3, got ${JSON.stringify(value)}`,
      { hint: "Unset it to use the built-in codec." },
    );
  }
  return engine;
}

function checksumModeFromEnv(env: Env): ChecksumMode | undefined {
  const value = nonEmpty(env.DG_CHECKSUM_MODE)?.toUpperCase().replace(/-/g, "_");
  if (value === undefined) return undefined;
  if (value === "WHEN_SUPPORTED" || value === "WHEN_REQUIRED") return value;
  throw new InvalidArgumentError(
    `DG_CHECKSUM_MODE must be WHEN_SUPPORTED or WHEN_REQUIRED, got ${JSON.stringify(value)}`,
  );
}

const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  debug: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  critical: "error",
};

function logLevelFromEnv(env: Env): LogLevel | undefined {
  const value = nonEmpty(env.DG_LOG_LEVEL)?.toLowerCase();
  if (value === undefined) return undefined;
  const level = LOG_LEVELS[value];
  if (!level) {
    throw new InvalidArgumentError(`DG_LOG_LEVEL must be debug, info, warn or error, got ${value}`);
  }
  return level;
}
