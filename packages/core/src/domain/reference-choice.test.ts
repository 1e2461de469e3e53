import { describe, expect, it } from "vitest";
import {
  chooseReference,
  decideStorage,
  type ReferenceCandidate,
  referencesToRetire,
  validateMaxReferences,
  validateNewReferenceRatio,
} from "./reference-choice.js";

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const ref = (key: string, day: number, sketch?: number[]): ReferenceCandidate => ({
  key,
  sha256: key.padEnd(64, "0"),
  createdAt: at(day),
  ...(sketch === undefined ? {} : { sketch }),
});

describe("chooseReference", () => {
  it("picks the reference whose sketch shares the most with the file's", () => {
    const file = [1, 2, 3, 4, 5, 6, 7, 8];
    const chosen = chooseReference(
      [ref("a", 1, [1, 2, 9, 10]), ref("b", 2, [1, 2, 3, 4, 5, 6, 7, 11]), ref("c", 3, [20, 21])],
      file,
    );
    expect(chosen?.reference.key).toBe("b");
    expect(chosen?.similarity).toBeGreaterThan(0.5);
  });

  it("takes the most recent one when sketches say nothing (no sketch, or no overlap)", () => {
    const chosen = chooseReference([ref("old", 1), ref("new", 5), ref("mid", 3, [99])], [1, 2]);
    expect(chosen).toEqual({ reference: ref("new", 5), similarity: 0 });
  });

  it("has nothing to choose from an empty folder", () => {
    expect(chooseReference([], [1])).toBeUndefined();
  });
});

describe("decideStorage", () => {
  const base = {
    fileSize: 1000,
    similarity: 0.5,
    maxRatio: 0.5,
    newReferenceRatio: 0.2,
    canAddReference: true,
  };
  it.each([
    ["a small delta stays a delta", { deltaSize: 150 }, "delta"],
    ["a drifted file becomes a reference", { deltaSize: 300 }, "new-reference"],
    ["…even past the max ratio when it shares chunks", { deltaSize: 900 }, "new-reference"],
    ["at the cap, the max ratio decides", { deltaSize: 300, canAddReference: false }, "delta"],
    ["at the cap, past the max ratio", { deltaSize: 900, canAddReference: false }, "direct"],
    ["unlike anything and past the max ratio", { deltaSize: 900, similarity: 0 }, "direct"],
    [
      "unlike by sketch but within the max ratio",
      { deltaSize: 400, similarity: 0 },
      "new-reference",
    ],
    [
      "a tight max ratio still sends a small delta direct",
      { deltaSize: 150, maxRatio: 0.1 },
      "direct",
    ],
  ] as const)("%s", (_what, change, expected) => {
    expect(decideStorage({ ...base, ...change })).toBe(expected);
  });
});

describe("referencesToRetire", () => {
  const primary = ref("p/reference.bin", 1);
  const extras = [ref("x2", 2), ref("x3", 3), ref("x4", 4)];
  const all = [primary, ...extras];

  it("retires nothing under the cap", () => {
    expect(referencesToRetire(all, new Map(), primary.key, 5)).toEqual([]);
  });

  it("retires the oldest unused extra references, never the folder's reference.bin", () => {
    const usage = new Map([["x2", 3]]);
    expect(referencesToRetire(all, usage, primary.key, 3).map((r) => r.key)).toEqual(["x3", "x4"]);
  });

  it("returns fewer than needed when the rest are in use", () => {
    const usage = new Map([
      ["x2", 1],
      ["x3", 1],
    ]);
    expect(referencesToRetire(all, usage, primary.key, 2).map((r) => r.key)).toEqual(["x4"]);
  });
});

describe("validation", () => {
  it.each([0, -0.1, 1.5, Number.NaN])("refuses the new-reference ratio %s", (value) => {
    expect(() => validateNewReferenceRatio(value)).toThrow(/new-reference ratio/);
  });
  it.each([0, 1.5, -2])("refuses the reference cap %s", (value) => {
    expect(() => validateMaxReferences(value)).toThrow(/references per folder/);
  });
  it("accepts 1 reference (extra references off) and a ratio of 1", () => {
    expect(validateMaxReferences(1)).toBe(1);
    expect(validateNewReferenceRatio(1)).toBe(1);
  });
});
