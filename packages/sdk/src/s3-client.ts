import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { s3RequestHandlerOptions } from "@dg/s3";
import type { ResolvedConfig } from "./config.js";

/** The region used when neither options, environment nor shared config name one. */
export const FALLBACK_REGION = "us-east-1";

/**
 * Build the S3 client of a configuration: endpoint, region, profile, credentials, path style,
 * checksum mode, attempts and timeouts. Whatever is left unset is the AWS SDK's default chain.
 */
export function buildS3Client(config: ResolvedConfig): S3Client {
  const { location } = config;
  const clientConfig: S3ClientConfig = {
    region: config.region ?? FALLBACK_REGION,
    forcePathStyle: config.forcePathStyle,
    requestHandler: s3RequestHandlerOptions(config),
    ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
    ...(config.profile === undefined ? {} : { profile: config.profile }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    ...(config.maxAttempts === undefined ? {} : { maxAttempts: config.maxAttempts }),
    ...(config.checksumMode === undefined
      ? {}
      : {
          requestChecksumCalculation: config.checksumMode,
          responseChecksumValidation: config.checksumMode,
        }),
  };
  return new S3Client(clientConfig);
}
