import { describe, expect, it } from "vitest";
import { contentRange, parseRange, resolveRange } from "./range.js";

describe("ranges", () => {
  it("parses the three single-range forms and resolves them against a size", () => {
    const cases: [string, number, [number, number]][] = [
      ["bytes=0-9", 100, [0, 9]],
      ["bytes=90-", 100, [90, 99]],
      ["bytes=-10", 100, [90, 99]],
      ["bytes=-500", 100, [0, 99]],
      ["bytes=50-500", 100, [50, 99]],
      [" bytes = 1 - 1 ", 100, [1, 1]],
    ];
    for (const [header, size, [start, end]] of cases) {
      expect(resolveRange(parseRange(header), size, header), header).toEqual({ start, end });
    }
    expect(contentRange({ start: 90, end: 99 }, 100)).toBe("bytes 90-99/100");
  });

  it("refuses malformed and unsatisfiable ranges", () => {
    for (const header of ["bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "bytes=0-1,3-4", "0-1"]) {
      expect(() => parseRange(header), header).toThrow(/Invalid Range/);
    }
    for (const [header, size] of [
      ["bytes=100-", 100],
      ["bytes=0-", 0],
      ["bytes=-0", 100],
      ["bytes=-5", 0],
    ] as const) {
      expect(() => resolveRange(parseRange(header), size, header), header).toThrow(
        /not satisfiable/,
      );
    }
  });
});
