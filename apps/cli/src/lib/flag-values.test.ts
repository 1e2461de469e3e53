import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { parseAge } from "./flag-values.js";

describe("parseAge", () => {
  it.each([
    ["0", 0],
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["24h", 86_400_000],
    ["1.5h", 5_400_000],
    ["7d", 604_800_000],
  ])("reads %s", (text, ms) => {
    expect(parseAge("--older-than", text)).toBe(ms);
  });

  it.each(["", "24", "h", "-1h", "1w", "1 h x"])("refuses %j as a usage error", (text) => {
    expect(() => parseAge("--older-than", text)).toThrow(UsageError);
  });
});
