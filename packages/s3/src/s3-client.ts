import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";

/** How to reach an S3 endpoint when no `S3Client` is given. */
export interface S3ConnectionOptions {
  /** e.g. `http://127.0.0.1:9000`; omitted: AWS, from the region. */
  readonly endpoint?: string;
  /** Omitted: the SDK's chain (AWS_REGION, the profile's region); `us-east-1` for custom endpoints. */
  readonly region?: string;
  /** A profile of the shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`). */
  readonly profile?: string;
  /** Explicit credentials; omitted: the SDK's default chain (env, profile, SSO, IMDS, …). */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Path-style URLs (`endpoint/bucket/key`); default: true when `endpoint` is set. */
  readonly forcePathStyle?: boolean;
  /**
   * `default`: the SDK's flexible checksums (CRC32 on uploads, validated on downloads).
   * `WHEN_REQUIRED`: only where the API requires one, for stores that reject CRC headers.
   */
  readonly checksumMode?: "default" | "WHEN_REQUIRED";
  /** Attempts per request, including the first (SDK default 3). */
  readonly maxAttempts?: number;
  /** A retry strategy (e.g. `ConfiguredRetryStrategy` with a short backoff in tests). */
  readonly retryStrategy?: S3ClientConfig["retryStrategy"];
}

/**
 * Build an `S3Client` from connection options.
 *
 * @example
 * ```ts
 * const client = createS3Client({ endpoint: "http://127.0.0.1:9000", profile: "minio" });
 * ```
 */
export function createS3Client(options: S3ConnectionOptions = {}): S3Client {
  const config: S3ClientConfig = {};
  if (options.endpoint !== undefined) {
    config.endpoint = options.endpoint;
    config.forcePathStyle = options.forcePathStyle ?? true;
  } else if (options.forcePathStyle !== undefined) {
    config.forcePathStyle = options.forcePathStyle;
  }
  const region =
    options.region ??
    (options.endpoint !== undefined &&
    !process.env.AWS_REGION &&
    !process.env.AWS_DEFAULT_REGION &&
    options.profile === undefined
      ? "us-east-1"
      : undefined);
  if (region !== undefined) config.region = region;
  if (options.profile !== undefined) config.profile = options.profile;
  if (options.credentials !== undefined) {
    config.credentials = {
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
      ...(options.credentials.sessionToken === undefined
        ? {}
        : { sessionToken: options.credentials.sessionToken }),
    };
  }
  if (options.checksumMode === "WHEN_REQUIRED") {
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts;
  if (options.retryStrategy !== undefined) config.retryStrategy = options.retryStrategy;
  return new S3Client(config);
}
