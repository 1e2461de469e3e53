import { InvalidArgumentError } from "@dg/core";

const ALLOWED = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Why `name` is not a valid S3 bucket name (general-purpose bucket rules), or `undefined` when
 * it is. These rules also keep a bucket folder of the directory store inside its root: no `/`,
 * no `\`, no `..`, no leading dot.
 *
 * @example
 * ```ts
 * bucketNameProblem("my-bucket"); // undefined
 * bucketNameProblem("../etc"); // "may hold only lower-case letters, …"
 * ```
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!ALLOWED.test(name)) {
    return "may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit";
  }
  if (name.includes("..")) return "must not contain two adjacent dots";
  if (IPV4.test(name)) return "must not look like an IP address";
  if (name.startsWith("xn--") || name.startsWith("sthree-")) return "uses a reserved prefix";
  if (name.endsWith("-s3alias") || name.endsWith("--ol-s3")) return "uses a reserved suffix";
  return undefined;
}

/**
 * Throw `InvalidArgumentError` unless `name` is a valid S3 bucket name.
 *
 * @example
 * ```ts
 * assertBucketName(bucket); // throws for "My_Bucket"
 * ```
 */
export function assertBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem !== undefined) {
    throw new InvalidArgumentError(`Invalid bucket name ${JSON.stringify(name)}: it ${problem}.`, {
      hint: "Bucket names follow the S3 rules, e.g. my-bucket or releases.example.com.",
    });
  }
}
