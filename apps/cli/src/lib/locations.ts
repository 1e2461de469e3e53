import {
  type S3Uri,
  isDgError,
  looksLikeS3Uri,
  parseS3Uri,
  validateBucketName,
} from "@dg/sdk/common";
import { UsageError } from "./errors.js";

/** A command-line path argument: an S3 location or a local path. */
export type Location =
  | { readonly kind: "s3"; readonly uri: S3Uri; readonly text: string }
  | { readonly kind: "local"; readonly path: string; readonly text: string };

function asUsageError(error: unknown): never {
  if (isDgError(error)) {
    throw new UsageError(error.message, { ...(error.hint ? { hint: error.hint } : {}) });
  }
  throw error;
}

/**
 * Parse an S3 URI given on the command line; a malformed one is a usage error (exit 2).
 *
 * @example
 * ```ts
 * parseS3Arg("s3://b/dir/"); // { bucket: "b", key: "dir/" }
 * ```
 */
export function parseS3Arg(text: string): S3Uri {
  try {
    return parseS3Uri(text);
  } catch (error) {
    return asUsageError(error);
  }
}

/**
 * Classify a path argument: anything that starts with `s3:` (any case) is an S3 URI and must
 * parse; everything else is a local path.
 *
 * @example
 * ```ts
 * parseLocation("./dist"); // { kind: "local", path: "./dist", text: "./dist" }
 * ```
 */
export function parseLocation(text: string): Location {
  if (looksLikeS3Uri(text)) return { kind: "s3", uri: parseS3Arg(text), text };
  // The parser turns a lone "-" into "": say where "-" does work.
  if (text === "") {
    throw new UsageError('Empty path argument (or "-", which only cp takes)', {
      hint: 'Name a local file or folder; "-" (standard input or output) works with cp, for one object.',
    });
  }
  return { kind: "local", path: text, text };
}

/**
 * A bucket (and optional prefix) for `stats`, `mb`, `rb`: `bucket`, `s3://bucket` or
 * `s3://bucket/prefix/`.
 *
 * @example
 * ```ts
 * parseBucketArg("releases"); // { bucket: "releases", key: "" }
 * ```
 */
export function parseBucketArg(text: string): S3Uri {
  if (looksLikeS3Uri(text)) return parseS3Arg(text);
  try {
    validateBucketName(text);
  } catch (error) {
    asUsageError(error);
  }
  return { bucket: text, key: "" };
}

/** An S3 prefix as a folder: `""` stays the bucket root, `dir` becomes `dir/`. */
export function asFolderPrefix(key: string): string {
  return key === "" || key.endsWith("/") ? key : `${key}/`;
}
