import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import {
  loadConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
} from "@smithy/core/config";

/** Static S3 credentials. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When they expire: a provider function is asked again before that. */
  readonly expiration?: Date;
}

/** The AWS CLI's defaults: 60 s to connect, 60 s of silence while waiting for data. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
export const DEFAULT_READ_TIMEOUT_MS = 60_000;

/** How long to wait for an S3 endpoint, as the AWS CLI's `--cli-*-timeout` flags have it. */
export interface S3Timeouts {
  /** Longest wait for a TCP (and TLS) connection, in ms; 0: no limit. Default 60 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Longest silence while the endpoint owes data, in ms: no byte of the response (or of a
   * body being downloaded) and no progress of an upload. 0: no limit. Default 60 s. Time the
   * caller takes to consume a body does not count.
   */
  readonly readTimeoutMs?: number;
}

/**
 * The request-handler options of the AWS SDK for {@link S3Timeouts}: `connectionTimeout` and
 * the socket's inactivity `socketTimeout` (the SDK's `requestTimeout` would also bound a slow
 * but steady upload, which the AWS CLI's read timeout does not).
 *
 * @example
 * ```ts
 * new S3Client({ requestHandler: s3RequestHandlerOptions({ readTimeoutMs: 5_000 }) });
 * ```
 */
export function s3RequestHandlerOptions(timeouts: S3Timeouts = {}): {
  readonly connectionTimeout: number;
  readonly socketTimeout: number;
} {
  return {
    connectionTimeout: timeouts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    socketTimeout: timeouts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
  };
}

/** How to reach an S3 endpoint when no `S3Client` is given. */
export interface S3ConnectionOptions extends S3Timeouts {
  /** e.g. `http://127.0.0.1:9000`; omitted: AWS, from the region. */
  readonly endpoint?: string;
  /**
   * Omitted: the AWS SDK's own chain (`AWS_REGION`, the profile's region); with a custom
   * `endpoint`, `us-east-1` when that chain finds none (any region signs for such a server).
   */
  readonly region?: string;
  /** A profile of the shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`). */
  readonly profile?: string;
  /**
   * Credentials, or a function that provides them (asked again when they expire); omitted: the
   * AWS SDK's default chain (environment, profile, SSO, IMDS, …).
   */
  readonly credentials?: S3Credentials | (() => Promise<S3Credentials>);
  /** Path-style URLs (`endpoint/bucket/key`); default: true when `endpoint` is set. */
  readonly forcePathStyle?: boolean;
  /**
   * `default`: the AWS SDK's flexible checksums, as its own settings say (CRC32 on uploads,
   * validated on downloads). `WHEN_SUPPORTED`: the same, whatever those settings say.
   * `WHEN_REQUIRED`: only where the API requires one, for stores that reject CRC headers.
   */
  readonly checksumMode?: "default" | "WHEN_SUPPORTED" | "WHEN_REQUIRED";
  /**
   * Attempts per request, including the first (SDK default 3). Failed attempts that may
   * succeed later (timeouts, resets, throttling, 5xx) are retried with capped exponential
   * backoff, so one call waits at most about attempts × (connect + read timeout) + backoff.
   */
  readonly maxAttempts?: number;
  /** A retry strategy (e.g. `ConfiguredRetryStrategy` with a short backoff in tests). */
  readonly retryStrategy?: S3ClientConfig["retryStrategy"];
}

/** The region a custom endpoint is signed for when nothing names one. */
const CUSTOM_ENDPOINT_REGION = "us-east-1";

/**
 * Build an `S3Client` from connection options: the one S3 client builder of deltaglider (the
 * SDK builds its clients here too).
 *
 * @example
 * ```ts
 * const client = createS3Client({ endpoint: "http://127.0.0.1:9000", profile: "minio" });
 * ```
 */
export function createS3Client(options: S3ConnectionOptions = {}): S3Client {
  const config: S3ClientConfig = { requestHandler: s3RequestHandlerOptions(options) };
  if (options.endpoint !== undefined) {
    config.endpoint = options.endpoint;
    config.forcePathStyle = options.forcePathStyle ?? true;
  } else if (options.forcePathStyle !== undefined) {
    config.forcePathStyle = options.forcePathStyle;
  }
  if (options.region !== undefined) {
    config.region = options.region;
  } else if (options.endpoint !== undefined) {
    // The AWS SDK's own region chain, read by the AWS SDK; our fallback only when it is empty.
    const chain = loadConfig(NODE_REGION_CONFIG_OPTIONS, {
      ...NODE_REGION_CONFIG_FILE_OPTIONS,
      ...(options.profile === undefined ? {} : { profile: options.profile }),
    });
    config.region = async () => {
      try {
        return await chain();
      } catch {
        return CUSTOM_ENDPOINT_REGION;
      }
    };
  }
  if (options.profile !== undefined) config.profile = options.profile;
  if (options.credentials !== undefined) config.credentials = credentialsOf(options.credentials);
  if (options.checksumMode === "WHEN_REQUIRED" || options.checksumMode === "WHEN_SUPPORTED") {
    config.requestChecksumCalculation = options.checksumMode;
    config.responseChecksumValidation = options.checksumMode;
  }
  if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts;
  if (options.retryStrategy !== undefined) config.retryStrategy = options.retryStrategy;
  return new S3Client(config);
}

function credentialsOf(
  credentials: NonNullable<S3ConnectionOptions["credentials"]>,
): NonNullable<S3ClientConfig["credentials"]> {
  if (typeof credentials === "function") return async () => ({ ...(await credentials()) });
  return { ...credentials };
}
