import { fileURLToPath } from "node:url";
import type { LogLevel } from "@dg/core";
import { DEFAULT_MAX_RATIO, InvalidArgumentError, validateMaxRatio } from "@dg/core";
import type {
  CacheBackend,
  ChecksumMode,
  ClientOptions,
  CredentialsOption,
  DeltaEngine,
  Env,
} from "./options.js";
import { nonEmpty, readSharedProfile } from "./shared-config.js";

/** Where the buckets are. */
export type StoreLocation =
  | { readonly kind: "s3"; readonly endpoint?: string }
  | { readonly kind: "dir"; readonly endpoint: string; readonly root: string };

/** Every setting of a client, resolved from options, environment and shared config. */
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
  readonly cacheBackend: CacheBackend | undefined;
  readonly maxRatio: number;
  readonly deltaEngine: DeltaEngine;
  readonly compat: boolean;
  readonly concurrency: number;
  readonly logLevel: LogLevel;
}

export const DEFAULT_CONCURRENCY = 16;

/**
 * Resolve the client's settings: each option wins over its environment variables, which win
 * over the shared AWS config file's profile.
 */
export function resolveConfig(options: ClientOptions, env: Env): ResolvedConfig {
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
    cacheBackend: options.cacheBackend,
    maxRatio: validateMaxRatio(options.maxRatio ?? maxRatioFromEnv(env) ?? DEFAULT_MAX_RATIO),
    deltaEngine: options.deltaEngine ?? deltaEngineFromEnv(env),
    compat: options.compat ?? compatFromEnv(env),
    concurrency: checkConcurrency(
      options.concurrency ?? positiveIntegerFromEnv(env, "DG_CONCURRENCY") ?? DEFAULT_CONCURRENCY,
    ),
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
  const value = nonEmpty(env.DG_MAX_RATIO);
  if (value === undefined) return undefined;
  const ratio = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !Number.isFinite(ratio)) {
    throw new InvalidArgumentError(`DG_MAX_RATIO must be a number, got ${JSON.stringify(value)}`, {
      hint: "For example DG_MAX_RATIO=0.5 (a delta may be half the file).",
    });
  }
  return ratio;
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
