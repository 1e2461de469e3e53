import { parseS3Uri, type S3Uri } from "@dg/core";
import type { S3Location } from "./simple-types.js";

/**
 * A location as bucket and key: a URI is parsed here, once; a parsed one is taken as it is.
 *
 * @example
 * ```ts
 * locationOf("s3://b/dir/"); // { bucket: "b", key: "dir/" }
 * locationOf({ bucket: "b", key: "dir/" }); // the same object
 * ```
 */
export function locationOf(location: S3Location): S3Uri {
  return typeof location === "string" ? parseS3Uri(location) : location;
}
