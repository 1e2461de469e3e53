import { InvalidArgumentError } from "../errors.js";

/** A parsed `s3://bucket/key` URI. */
export interface S3Uri {
  readonly bucket: string;
  /** The key or prefix, without the leading slash; `""` for the bucket itself. */
  readonly key: string;
}

const SCHEME = "s3://";
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const IP_PATTERN = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether an argument is meant as an S3 URI (`s3:` in any case) rather than a local path. */
export function looksLikeS3Uri(text: string): boolean {
  return text.slice(0, 3).toLowerCase() === "s3:";
}

/**
 * Parse `s3://bucket`, `s3://bucket/`, `s3://bucket/prefix/` or `s3://bucket/key`. The key
 * keeps its trailing slash: as in `aws s3 cp`, `s3://b/dir/` names a folder and
 * `s3://b/dir` an object.
 *
 * @example
 * ```ts
 * parseS3Uri("s3://releases/app/v1.zip"); // { bucket: "releases", key: "app/v1.zip" }
 * ```
 */
export function parseS3Uri(text: string): S3Uri {
  if (!text.startsWith(SCHEME)) {
    throw new InvalidArgumentError(`Invalid S3 URI: ${text}`, {
      hint: "S3 URIs look like s3://bucket/key (lower-case scheme, two slashes).",
    });
  }
  const rest = text.slice(SCHEME.length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? "" : rest.slice(slash + 1);
  if (bucket === "") {
    throw new InvalidArgumentError(`S3 URI has no bucket: ${text}`, {
      hint: "Write the bucket right after s3://, e.g. s3://my-bucket/path.",
    });
  }
  validateBucketName(bucket);
  if (key.includes("\u0000")) {
    throw new InvalidArgumentError(`S3 key contains a NUL character: ${JSON.stringify(text)}`);
  }
  return { bucket, key };
}

/**
 * Check a bucket name against S3's naming rules (3-63 characters; lower-case letters, digits,
 * dots and hyphens, plus the underscore some S3-compatible stores allow; no IP addresses).
 */
export function validateBucketName(bucket: string): void {
  if (!BUCKET_PATTERN.test(bucket) || bucket.includes("..") || IP_PATTERN.test(bucket)) {
    throw new InvalidArgumentError(`Invalid bucket name: ${bucket}`, {
      hint: "Bucket names are 3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit.",
    });
  }
}

/** Format a bucket and key back into a URI: `s3://bucket` or `s3://bucket/key`. */
export function formatS3Uri(bucket: string, key = ""): string {
  return key === "" ? `${SCHEME}${bucket}` : `${SCHEME}${bucket}/${key}`;
}

/** Whether a key names a folder (`""` or ending in `/`) rather than one object. */
export function isFolderKey(key: string): boolean {
  return key === "" || key.endsWith("/");
}

/**
 * A key prefix taken as a folder: `""` stays the bucket root, `dir` becomes `dir/`.
 *
 * @example
 * ```ts
 * asFolderPrefix("releases/v1"); // "releases/v1/"
 * ```
 */
export function asFolderPrefix(key: string): string {
  return isFolderKey(key) ? key : `${key}/`;
}

/**
 * The object key an upload of `localName` to `destination` writes, exactly as `aws s3 cp`
 * does: a folder destination gets the local file's name appended; any other key is used as is.
 *
 * @example
 * ```ts
 * uploadKeyFor({ bucket: "b", key: "a/b/" }, "f.zip"); // "a/b/f.zip"
 * uploadKeyFor({ bucket: "b", key: "a/new.zip" }, "f.zip"); // "a/new.zip"
 * ```
 */
export function uploadKeyFor(destination: S3Uri, localName: string): string {
  return isFolderKey(destination.key) ? `${destination.key}${localName}` : destination.key;
}
