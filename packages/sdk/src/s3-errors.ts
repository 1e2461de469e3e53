import {
  DgError,
  InternalError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
  UnsupportedError,
} from "@dg/core";

/** What the failed call was doing, for the message. */
export interface S3ErrorContext {
  readonly bucket: string;
  readonly action: string;
}

interface AwsErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Map an AWS SDK error of the few raw S3 calls the client makes itself (ACLs) into the
 * error family. Object and bucket operations go through the `@dg/s3` store, which maps its own.
 */
export function mapS3Error(error: unknown, context: S3ErrorContext): DgError {
  if (error instanceof DgError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as AwsErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const name = shape.name ?? "Error";
  const message = `Could not ${context.action} of s3://${context.bucket}: ${name}${shape.message ? ` (${shape.message})` : ""}`;
  if (name === "AbortError")
    return new UnavailableError(message, { cause: error, retryable: false });
  if (name === "NoSuchBucket" || status === 404) {
    return new NotFoundError(message, { cause: error, hint: "Check the bucket name." });
  }
  if (name === "AccessDenied" || status === 403) {
    return new PermissionDeniedError(message, {
      cause: error,
      hint: "These credentials may not read or change the bucket's ACL.",
    });
  }
  if (name === "NotImplemented" || status === 501) {
    return new UnsupportedError(message, {
      cause: error,
      hint: "This S3-compatible server does not implement bucket ACLs.",
    });
  }
  if (status !== undefined && (status >= 500 || status === 429)) {
    return new UnavailableError(message, { cause: error });
  }
  if (status === undefined) return new UnavailableError(message, { cause: error });
  return new InternalError(message, { cause: error });
}
