import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import {
  assertStorableKey,
  deltaKeyFor,
  deltaspaceOf,
  isInternalKey,
  logicalKeyOf,
  referenceKeyFor,
} from "./deltaspace.js";

describe("key mapping (reference-tool.md §1.1, with aws cp destinations)", () => {
  it.each([
    // logical key, deltaspace, reference key, delta key
    ["f.zip", "", "reference.bin", "f.zip.delta"],
    ["plugins/f.zip", "plugins", "plugins/reference.bin", "plugins/f.zip.delta"],
    ["a/b/f.zip", "a/b", "a/b/reference.bin", "a/b/f.zip.delta"],
    ["rel/v1/renamed.zip", "rel/v1", "rel/v1/reference.bin", "rel/v1/renamed.zip.delta"],
    [
      "releases/demo/checksums.sha256",
      "releases/demo",
      "releases/demo/reference.bin",
      "releases/demo/checksums.sha256.delta",
    ],
  ])("%s → deltaspace %j, %s, %s", (key, space, ref, delta) => {
    expect(deltaspaceOf(key)).toBe(space);
    expect(referenceKeyFor(deltaspaceOf(key))).toBe(ref);
    expect(deltaKeyFor(key)).toBe(delta);
    expect(logicalKeyOf(delta)).toBe(key);
  });

  it("keeps nested folders as separate deltaspaces", () => {
    expect(deltaspaceOf("a/x.zip")).not.toBe(deltaspaceOf("a/b/x.zip"));
  });

  it("hides references (root included) and .deltaglider/ objects", () => {
    expect(isInternalKey("reference.bin")).toBe(true);
    expect(isInternalKey("a/b/reference.bin")).toBe(true);
    expect(isInternalKey(".deltaglider/stats_quick.json")).toBe(true);
    expect(isInternalKey("a/reference.bin.txt")).toBe(false);
    expect(isInternalKey("a/x.zip.delta")).toBe(false);
  });

  it.each([
    "reference.bin",
    "dir/reference.bin",
    "dir/x.delta",
    "x.zip.delta",
    "dir/",
    "",
    ".deltaglider/x",
  ])("refuses the reserved key %j", (key) => {
    let caught: unknown;
    try {
      assertStorableKey(key);
    } catch (error) {
      caught = error;
    }
    expect(hasCode(caught, "INVALID_ARGUMENT")).toBe(true);
    expect((caught as { hint?: string }).hint).toBeTruthy();
  });

  it("accepts ordinary keys", () => {
    expect(() => assertStorableKey("dir/reference.bin.zip")).not.toThrow();
    expect(() => assertStorableKey("deltas/x.zip")).not.toThrow();
  });
});
