import { describe, expect, it } from "vitest";
import {
  directReasonOfObject,
  exceedsMaxRatio,
  isDeltaEligible,
  validateMaxRatio,
} from "./policy.js";

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

describe("why a direct object is whole", () => {
  const direct = { "dg-compression": "none" };
  it("is the recorded reason first", () => {
    expect(
      directReasonOfObject("r/a.zip", { ...direct, "dg-direct-reason": "max-ratio" }, 10),
    ).toBe("max-ratio");
    expect(
      directReasonOfObject("r/a.txt", { ...direct, "dg-direct-reason": "delta-disabled" }, 10),
    ).toBe("delta-disabled");
  });
  it("else what the object shows: empty, or a type never delta-encoded", () => {
    expect(directReasonOfObject("r/a.zip", direct, 0)).toBe("empty");
    expect(directReasonOfObject("r/notes.txt", direct, 10)).toBe("not-eligible");
    expect(directReasonOfObject("r/a.bin", direct, 10, [".bin"])).toBeUndefined();
  });
  it("else unknown: an eligible file stored whole by a writer that did not record why", () => {
    expect(directReasonOfObject("r/a.zip", direct, 10)).toBeUndefined();
    expect(directReasonOfObject("r/a.zip", { ...direct, "dg-direct-reason": "?" }, 10)).toBe(
      undefined,
    );
  });
});
