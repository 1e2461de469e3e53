import { requestEndpoint } from "./request-endpoint.js";
import {
  CancelledError,
  ConflictError,
  type DgError,
  InternalError,
  InvalidArgumentError,
  isDgError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
  UnsupportedError,
} from "@dg/core";

/** What the failed call was about, for the message and the hint. */
export interface S3ErrorContext {
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly Code?: unknown;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequests",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "RequestTimeoutException",
]);

const CREDENTIALS_HINT =
  "Check the credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, --profile (or AWS_PROFILE), and that they may access this bucket.";

function target(context: S3ErrorContext): string {
  if (context.bucket === undefined) return "";
  return context.key === undefined
    ? ` bucket ${context.bucket}`
    : ` s3://${context.bucket}/${context.key}`;
}

/** The S3 error code of an SDK error (`NoSuchKey`, `SlowDown`, …), when it has one. */
export function s3ErrorCode(error: unknown): string | undefined {
  const shape = error as SdkErrorShape | null;
  if (typeof shape?.Code === "string") return shape.Code;
  if (typeof shape?.name === "string") return shape.name;
  return undefined;
}

/**
 * The one place where S3 errors (service errors, credential errors, network errors, aborts)
 * become the error family. Never puts secrets in a message.
 *
 * @example
 * ```ts
 * try { await client.send(cmd); }
 * catch (e) { throw mapS3Error(e, { operation: "GetObject", bucket, key }); }
 * ```
 */
export function mapS3Error(error: unknown, context: S3ErrorContext): DgError {
  if (isDgError(error)) return error;
  const shape = (error ?? {}) as SdkErrorShape;
  const name = s3ErrorCode(error) ?? "";
  const status = shape.$metadata?.httpStatusCode;
  const netCode = typeof shape.code === "string" ? shape.code : undefined;
  const text = typeof shape.message === "string" ? shape.message : String(error);
  const what = `${context.operation}${target(context)}`;
  const options = { cause: error };

  if (name === "AbortError" || netCode === "ABORT_ERR") {
    return new CancelledError(`Cancelled: ${what}`, options);
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(text)) {
    return new PermissionDeniedError(`No AWS credentials found for ${what}`, {
      ...options,
      hint: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile NAME (or set AWS_PROFILE) for a profile in ~/.aws/credentials.",
    });
  }
  if (/Region is missing/i.test(text)) {
    return new InvalidArgumentError(`No AWS region configured for ${what}`, {
      ...options,
      hint: "Set AWS_REGION, pass --region, or set region in the profile.",
    });
  }
  switch (name) {
    case "NoSuchBucket":
      return new NotFoundError(`Bucket not found: ${context.bucket ?? "(unknown)"}`, {
        ...options,
        hint: "Check the bucket name and the endpoint; create the bucket first if it is new.",
      });
    case "NoSuchKey":
    case "NotFound":
    case "NoSuchUpload":
      return new NotFoundError(`Not found:${target(context) || ` ${what}`}`, {
        ...options,
        hint:
          context.key === undefined
            ? "Check the bucket name and the endpoint."
            : "Check the key (keys are case-sensitive); list the prefix to see what exists.",
      });
    case "ConditionalRequestConflict":
      // S3 answers 409 while a competing conditional write is still in progress: the outcome
      // is not known yet, so this is retryable, not a lost race.
      return new UnavailableError(`Concurrent conditional write in progress on${target(context)}`, {
        ...options,
        retryable: true,
        hint: "Another client is writing the same key right now; try again in a moment.",
      });
    case "PreconditionFailed":
      return new ConflictError(`Conflict on${target(context)}: it was written concurrently`, {
        ...options,
        hint: "Another writer created or changed it first; read the current version and retry.",
      });
    case "BucketNotEmpty":
      return new ConflictError(`Bucket not empty:${target(context)}`, {
        ...options,
        hint: "Remove its objects first (rm -r), then the bucket.",
      });
    case "BucketAlreadyOwnedByYou":
    case "BucketAlreadyExists":
      return new ConflictError(`Bucket already exists:${target(context)}`, {
        ...options,
        hint:
          name === "BucketAlreadyExists"
            ? "Bucket names are global: someone else owns this one. Pick another name."
            : "You own it already.",
      });
    case "InvalidBucketName":
      return new InvalidArgumentError(`Invalid bucket name:${target(context)}`, {
        ...options,
        hint: "Bucket names are 3-63 characters of a-z, 0-9, '.' and '-'.",
      });
    case "InvalidRange":
      return new InvalidArgumentError(`Range not satisfiable for${target(context)}`, options);
    case "AccessDenied":
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
    case "ExpiredToken":
    case "InvalidToken":
    case "AllAccessDisabled":
      return new PermissionDeniedError(`Permission denied (${name}) on ${what}`, {
        ...options,
        hint: CREDENTIALS_HINT,
      });
    case "NotImplemented":
      return new UnsupportedError(`The store does not implement ${what}`, {
        ...options,
        hint: "This S3-compatible store lacks a feature deltaglider needs; see the store's documentation.",
      });
    case "EntityTooLarge":
    case "InvalidArgument":
    case "InvalidTag":
    case "KeyTooLongError":
    case "MetadataTooLarge":
    case "InvalidRequest":
      return new InvalidArgumentError(`${name} on ${what}: ${text}`, options);
  }
  const endpoint = requestEndpoint(error) ?? "the endpoint";
  if (name === "TimeoutError" || netCode === "ETIMEDOUT") {
    return timeoutError(text, endpoint, what, options);
  }
  if (THROTTLING.has(name) || status === 503 || status === 429) {
    return new UnavailableError(`S3 is throttling or unavailable (${name || status}) on ${what}`, {
      ...options,
      hint: "Try again later, or lower the parallelism.",
    });
  }
  if ((netCode && NETWORK_CODES.has(netCode)) || NETWORK_CODES.has(name)) {
    return new UnavailableError(
      `Network error (${netCode ?? name}) reaching ${endpoint} on ${what}`,
      {
        ...options,
        hint: "Check the endpoint URL (--endpoint-url) and the network; the call can be retried.",
      },
    );
  }
  if (status === 404) {
    return new NotFoundError(`Not found:${target(context) || ` ${what}`}`, options);
  }
  if (status === 403) {
    return new PermissionDeniedError(`Permission denied on ${what}`, {
      ...options,
      hint: CREDENTIALS_HINT,
    });
  }
  if (status === 412) return new ConflictError(`Precondition failed on ${what}`, options);
  if (status !== undefined && status >= 500) {
    return new UnavailableError(`S3 server error ${status} (${name}) on ${what}`, options);
  }
  return new InternalError(`S3 ${what} failed: ${name ? `${name}: ` : ""}${text}`, options);
}

/**
 * A connect or read timeout (the AWS SDK's `TimeoutError`, after its retries), naming the
 * endpoint that did not answer and for how long.
 */
function timeoutError(
  text: string,
  endpoint: string,
  what: string,
  options: { readonly cause: unknown },
): UnavailableError {
  const ms = /(\d+) ?ms/.exec(text)?.[1];
  const after = ms === undefined ? "" : ` within ${Number(ms) / 1000} s`;
  if (/establish a connection|connect/i.test(text)) {
    return new UnavailableError(`Could not connect to ${endpoint}${after} (${what})`, {
      ...options,
      hint: "Check the endpoint URL (--endpoint-url) and the network; a slow network needs a longer --cli-connect-timeout (DG_CONNECT_TIMEOUT, seconds).",
    });
  }
  return new UnavailableError(`No answer from ${endpoint}${after} (${what})`, {
    ...options,
    hint: "The endpoint accepted the connection but sent nothing. Check that it is an S3 server and that it is up; a slow one needs a longer --cli-read-timeout (DG_READ_TIMEOUT, seconds; 0 waits forever).",
  });
}
