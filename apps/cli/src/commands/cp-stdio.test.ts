import { describe, expect, it } from "vitest";
import { UsageError } from "../lib/errors.js";
import { checkExpectedSize, restoreDashArgs } from "./cp-stdio.js";

describe("restoreDashArgs", () => {
  it("gives back the - that yargs turned into an empty value", () => {
    expect(restoreDashArgs(["cp", "-", "s3://b/a.zip"], ["", "s3://b/a.zip"])).toEqual([
      "-",
      "s3://b/a.zip",
    ]);
    expect(restoreDashArgs(["cp", "s3://b/a.zip", "-", "--quiet"], ["s3://b/a.zip", ""])).toEqual([
      "s3://b/a.zip",
      "-",
    ]);
  });

  it("keeps a really empty argument empty, in the order typed", () => {
    expect(restoreDashArgs(["cp", "", "-"], ["", ""])).toEqual(["", "-"]);
    expect(restoreDashArgs(["cp", "-", ""], ["", ""])).toEqual(["-", ""]);
    expect(restoreDashArgs(["cp", "", "s3://b/"], ["", "s3://b/"])).toEqual(["", "s3://b/"]);
  });

  it("ignores what follows --", () => {
    expect(restoreDashArgs(["cp", "", "s3://b/", "--", "-"], ["", "s3://b/"])).toEqual([
      "",
      "s3://b/",
    ]);
  });
});

describe("checkExpectedSize", () => {
  it("accepts whole byte counts, zero included", () => {
    expect(checkExpectedSize(undefined)).toBeUndefined();
    expect(checkExpectedSize(0)).toBe(0);
    expect(checkExpectedSize(6_000_000_000)).toBe(6_000_000_000);
  });

  it("refuses fractions, negatives and non-numbers as usage errors", () => {
    for (const value of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkExpectedSize(value)).toThrow(UsageError);
    }
  });
});
