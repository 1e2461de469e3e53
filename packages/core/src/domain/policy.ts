import { InvalidArgumentError } from "../errors.js";
import { type DirectReason, directReasonOf, type Metadata } from "./metadata.js";

/** The delta-eligible file name suffixes of DeltaGlider 6.x (case-insensitive). */
export const DEFAULT_DELTA_EXTENSIONS: readonly string[] = [
  ".tar.gz",
  ".tar.bz2",
  ".tar.xz",
  ".zip",
  ".tar",
  ".gz",
  ".tgz",
  ".bz2",
  ".xz",
  ".7z",
  ".rar",
  ".dmg",
  ".iso",
  ".pkg",
  ".deb",
  ".rpm",
  ".apk",
  ".jar",
  ".war",
  ".ear",
];

/** The default maximum delta size as a fraction of the file size. */
export const DEFAULT_MAX_RATIO = 0.5;

/**
 * Whether a file name is delta-eligible: its lower-cased name ends with one of `extensions`.
 *
 * @example
 * ```ts
 * isDeltaEligible("App-1.2.ZIP"); // true
 * isDeltaEligible("notes.txt"); // false
 * ```
 */
export function isDeltaEligible(
  name: string,
  extensions: readonly string[] = DEFAULT_DELTA_EXTENSIONS,
): boolean {
  const lower = name.toLowerCase();
  return extensions.some((ext) => lower.endsWith(ext.toLowerCase()));
}

/** Validate a max ratio: a number in (0, 1]. */
export function validateMaxRatio(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new InvalidArgumentError(`Invalid max ratio: ${value}`, {
      hint: "Give a number greater than 0 and at most 1, e.g. 0.5 (a delta may be half the file).",
    });
  }
  return value;
}

/**
 * Whether a delta is too large to keep: larger than `maxRatio × fileSize`. An empty file
 * always exceeds it (there is nothing to save), so it is stored directly.
 */
export function exceedsMaxRatio(deltaSize: number, fileSize: number, maxRatio: number): boolean {
  if (fileSize === 0) return true;
  return deltaSize / fileSize > maxRatio;
}

/**
 * Why a direct object was stored whole: the reason recorded on it (`dg-direct-reason`), else
 * what the object itself shows (`empty`, or `not-eligible` for a name that is never
 * delta-encoded), else `undefined` (an eligible file stored whole by a writer that did not
 * record why: its delta was over the max ratio, or it was uploaded without delta).
 *
 * @example
 * ```ts
 * directReasonOfObject("rel/notes.txt", { "dg-compression": "none" }, 12); // "not-eligible"
 * ```
 */
export function directReasonOfObject(
  key: string,
  metadata: Metadata,
  size: number,
  deltaExtensions: readonly string[] = DEFAULT_DELTA_EXTENSIONS,
): DirectReason | undefined {
  const recorded = directReasonOf(metadata);
  if (recorded !== undefined) return recorded;
  if (size === 0) return "empty";
  const name = key.slice(key.lastIndexOf("/") + 1);
  return isDeltaEligible(name, deltaExtensions) ? undefined : "not-eligible";
}
