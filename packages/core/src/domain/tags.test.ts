import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { formatTagging, parseTagging, tagCountOf, validateTags } from "./tags.js";

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("tags", () => {
  it("parses and formats the URL-encoded Tagging form, both ways", () => {
    const tags = { team: "build", note: "a b=c/d", ключ: "значение", plus: "1+1@x:y" };
    const text = formatTagging(tags);
    expect(text).toBe(
      "team=build&note=a%20b%3Dc%2Fd&%D0%BA%D0%BB%D1%8E%D1%87=%D0%B7%D0%BD%D0%B0%D1%87%D0%B5%D0%BD%D0%B8%D0%B5&plus=1%2B1%40x%3Ay",
    );
    expect(parseTagging(text)).toEqual(tags);
    expect(parseTagging("a=1&b=two+words&c=")).toEqual({ a: "1", b: "two words", c: "" });
    expect(parseTagging("")).toEqual({});
  });

  it("accepts S3's limits exactly and refuses one past them, with a hint", () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "v"]));
    expect(() => validateTags(ten)).not.toThrow();
    expect(() => validateTags({ ["k".repeat(128)]: "v".repeat(256) })).not.toThrow();
    // Characters, not UTF-16 units: 128 of U+1D49C (a letter) are 256 code units.
    expect(() => validateTags({ ["\u{1d49c}".repeat(128)]: "é".repeat(256) })).not.toThrow();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...ten, k10: "v" }, /Too many tags: 11/],
      [{ ["k".repeat(129)]: "v" }, /Tag key too long/],
      [{ k: "v".repeat(257) }, /Tag value too long/],
      [{ "": "v" }, /key is empty/],
      [{ "aws:owner": "me" }, /Reserved tag key/],
      [{ k: "a&b" }, /Invalid character/],
      [{ "k*": "v" }, /Invalid character/],
    ];
    for (const [tags, message] of cases) {
      const error = errorOf(() => validateTags(tags));
      expect(hasCode(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as { hint?: string }).hint).toBeTruthy();
    }
  });

  it("refuses a duplicate key in the Tagging form and validates what it parsed", () => {
    expect(
      hasCode(
        errorOf(() => parseTagging("a=1&a=2")),
        "INVALID_ARGUMENT",
      ),
    ).toBe(true);
    const eleven = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join("&");
    expect((errorOf(() => parseTagging(eleven)) as Error).message).toMatch(/Too many tags/);
  });

  it("counts tags as S3's x-amz-tagging-count does (absent for none)", () => {
    expect(tagCountOf(undefined)).toBeUndefined();
    expect(tagCountOf({})).toBeUndefined();
    expect(tagCountOf({ a: "1", b: "2" })).toBe(2);
  });
});
