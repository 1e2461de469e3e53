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

const AGE_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
};

/**
 * An age given on the command line, such as `--older-than 24h`: a number and a unit (`s`, `m`,
 * `h`, `d`), or `0`. Resolves to milliseconds; anything else is a usage error.
 *
 * @example
 * ```ts
 * parseAge("--older-than", "36h"); // 129600000
 * ```
 */
export function parseAge(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (text.trim() === "0") return 0;
  const unit = match?.[2] === undefined ? undefined : AGE_UNITS[match[2]];
  if (match === null || unit === undefined) {
    throw new UsageError(`${flag} must be an age such as 30m, 24h or 7d, not "${text}"`, {
      hint: "Give a number and a unit: s, m, h or d (0 for any age).",
    });
  }
  return Math.round(Number(match[1]) * unit);
}
