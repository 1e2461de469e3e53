import { UsageError } from "./errors.js";

/** A string flag as yargs parses it: an array when the flag is repeated. */
export type FlagValue = string | readonly string[] | undefined;

/**
 * The one value of a flag; a repeated flag is a usage error (which one would win is a guess).
 *
 * @example
 * ```ts
 * singleFlag("--acl", args.acl); // "private", or UsageError for `--acl a --acl b`
 * ```
 */
export function singleFlag(flag: string, value: FlagValue): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw new UsageError(`${flag} is given ${value.length} times`, {
    hint:
      flag === "--metadata"
        ? "Give every key in one --metadata: key=value,key2=value2."
        : `Give ${flag} once.`,
  });
}
