import { describe, expect, it } from "vitest";
import { exceedsMaxRatio, isDeltaEligible, validateMaxRatio } from "./policy.js";

describe("delta eligibility", () => {
  it.each([
    "a.zip",
    "A.ZIP",
    "x.tar.gz",
    "x.tgz",
    "x.jar",
    "x.war",
    "x.ear",
    "x.deb",
    "x.rpm",
    "x.iso",
    "x.7z",
    "x.tar.xz",
    "x.bz2",
    "x.dmg",
    "x.apk",
    "x.pkg",
    "x.rar",
  ])("%s is eligible", (name) => expect(isDeltaEligible(name)).toBe(true));
  it.each(["a.txt", "a.json", "a.sha256", "a.bin", "a.exe", "noext", "a.zip.txt"])(
    "%s is not",
    (name) => expect(isDeltaEligible(name)).toBe(false),
  );
  it("takes a configured list", () => {
    expect(isDeltaEligible("model.ckpt", [".ckpt"])).toBe(true);
    expect(isDeltaEligible("a.zip", [".ckpt"])).toBe(false);
  });
});

describe("max ratio", () => {
  it("keeps deltas up to the ratio and refuses larger ones", () => {
    expect(exceedsMaxRatio(50, 100, 0.5)).toBe(false);
    expect(exceedsMaxRatio(51, 100, 0.5)).toBe(true);
    expect(exceedsMaxRatio(1, 100, 0.01)).toBe(false);
    expect(exceedsMaxRatio(2, 100, 0.01)).toBe(true);
  });
  it("never keeps a delta of an empty file (no division by zero)", () => {
    expect(exceedsMaxRatio(10, 0, 0.5)).toBe(true);
  });
  it.each([0, -1, 1.5, Number.NaN])("rejects %s", (value) => {
    expect(() => validateMaxRatio(value)).toThrow(/Invalid max ratio/);
  });
});
