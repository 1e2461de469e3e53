import { InvalidArgumentError } from "../errors.js";
import type { ObjectTags } from "../ports/object-store.js";

/** S3's limits on an object's tag set. */
export const MAX_TAGS = 10;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** The characters AWS allows in tag keys and values: letters, digits, spaces and `_.:/=+-@`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Length in Unicode characters (code points), as S3 counts tag keys and values. */
function characters(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Check a tag set as S3 does: at most 10 tags, non-empty keys of at most 128 characters that
 * do not start with `aws:`, values of at most 256 characters, both made of letters, digits,
 * spaces and `_ . : / = + - @`.
 *
 * @example
 * ```ts
 * validateTags({ team: "build", stage: "rc" }); // fine
 * validateTags({ ["k".repeat(129)]: "v" });     // throws InvalidArgumentError
 * ```
 */
export function validateTags(tags: ObjectTags): void {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) {
    throw new InvalidArgumentError(`Too many tags: ${entries.length}`, {
      hint: `S3 allows at most ${MAX_TAGS} tags per object.`,
    });
  }
  for (const [key, value] of entries) {
    if (key === "") {
      throw new InvalidArgumentError("Invalid tag: the key is empty", {
        hint: "Every tag needs a key of 1 to 128 characters.",
      });
    }
    if (characters(key) > MAX_TAG_KEY_LENGTH) {
      throw new InvalidArgumentError(`Tag key too long: ${key.slice(0, 40)}…`, {
        hint: `Tag keys are at most ${MAX_TAG_KEY_LENGTH} characters.`,
      });
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw new InvalidArgumentError(`Reserved tag key: ${key}`, {
        hint: "Keys starting with aws: are reserved for AWS.",
      });
    }
    if (typeof value !== "string" || characters(value) > MAX_TAG_VALUE_LENGTH) {
      throw new InvalidArgumentError(`Tag value too long (or not text) for key ${key}`, {
        hint: `Tag values are text of at most ${MAX_TAG_VALUE_LENGTH} characters.`,
      });
    }
    if (!TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(value)) {
      throw new InvalidArgumentError(`Invalid character in tag ${key}=${value}`, {
        hint: "Tags may hold letters, digits, spaces and _ . : / = + - @ only.",
      });
    }
  }
}

/**
 * Parse S3's `Tagging` form (URL query encoding, `k1=v1&k2=v2`) into a validated tag set.
 *
 * @example
 * ```ts
 * parseTagging("team=build&note=a%20b"); // { team: "build", note: "a b" }
 * ```
 */
export function parseTagging(tagging: string): ObjectTags {
  const tags: Record<string, string> = {};
  if (tagging !== "") {
    for (const [key, value] of new URLSearchParams(tagging)) {
      if (Object.hasOwn(tags, key)) {
        throw new InvalidArgumentError(`Duplicate tag key: ${key}`, {
          hint: "Each tag key may appear once.",
        });
      }
      tags[key] = value;
    }
  }
  validateTags(tags);
  return tags;
}

/**
 * Write a tag set in S3's `Tagging` form: each key and value percent-encoded, joined by `&`.
 *
 * @example
 * ```ts
 * formatTagging({ note: "a b" }); // "note=a%20b"
 * ```
 */
export function formatTagging(tags: ObjectTags): string {
  return Object.entries(tags)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join("&");
}

/** How many tags a set holds, or `undefined` for none (as S3 leaves `x-amz-tagging-count` out). */
export function tagCountOf(tags: ObjectTags | undefined): number | undefined {
  const n = tags === undefined ? 0 : Object.keys(tags).length;
  return n === 0 ? undefined : n;
}
