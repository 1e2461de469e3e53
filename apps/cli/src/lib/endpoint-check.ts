import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.js";

const FILE_HINT =
  "Write a local store as file:///absolute/path/to/folder (three slashes; file://name reads name as a host).";

/**
 * Check a `file://` endpoint before the SDK uses it, so a mistake in it is a usage error
 * (exit 2) with a hint rather than an internal failure: a host part (`file://relative/dir`),
 * malformed percent escapes, or a path that is an existing file. Other endpoints pass through.
 *
 * @example
 * ```ts
 * checkFileEndpoint("file:///srv/store"); // ok
 * checkFileEndpoint("file://store"); // throws UsageError
 * ```
 */
export function checkFileEndpoint(endpoint: string | undefined): void {
  if (endpoint === undefined || !/^file:/i.test(endpoint)) return;
  let root: string;
  try {
    root = fileURLToPath(new URL(endpoint));
  } catch (error) {
    const reason = error instanceof URIError ? "malformed %-escape" : (error as Error).message;
    throw new UsageError(`Invalid file:// endpoint ${endpoint}: ${reason}`, { hint: FILE_HINT });
  }
  let isFolder: boolean | undefined;
  try {
    isFolder = statSync(root).isDirectory();
  } catch {
    // A missing folder is left to the store (it says which bucket is missing).
    return;
  }
  if (!isFolder) {
    throw new UsageError(`The file:// endpoint ${endpoint} is not a folder`, {
      hint: "Point the endpoint at the folder that holds the buckets (one subfolder per bucket).",
    });
  }
}

/** The endpoint the SDK will use, from the flag or the environment (same order as the SDK). */
export function endpointFrom(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const candidates = [flag, env.DG_ENDPOINT_URL, env.AWS_ENDPOINT_URL_S3, env.AWS_ENDPOINT_URL];
  return candidates.find((value) => value !== undefined && value !== "");
}
