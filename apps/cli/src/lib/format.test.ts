import { describe, expect, it } from "vitest";
import {
  displayPath,
  formatBucketLine,
  formatListingDate,
  formatObjectLine,
  formatPercent,
  formatPrefixLine,
  formatSummary,
  humanSize,
  oneDecimal,
} from "./format.js";

describe("humanSize", () => {
  it.each([
    [0, "0 Bytes"],
    [1, "1 Byte"],
    [1023, "1023 Bytes"],
    [1024, "1.0 KiB"],
    [8397, "8.2 KiB"],
    [243468, "237.8 KiB"],
    [1024 * 1024 - 1, "1.0 MiB"],
    [3 * 1024 ** 3, "3.0 GiB"],
    [5 * 1024 ** 4, "5.0 TiB"],
  ])("%d → %s", (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });
});

describe("ls lines", () => {
  const date = new Date(2026, 10, 25, 16, 24, 8);
  it("formats an object line like aws s3 ls", () => {
    expect(formatObjectLine(date, 243468, "demo-1.0.0.zip", false)).toBe(
      "2026-11-25 16:24:08     243468 demo-1.0.0.zip",
    );
    expect(formatObjectLine(date, 243468, "demo-1.0.0.zip", true)).toBe(
      "2026-11-25 16:24:08  237.8 KiB demo-1.0.0.zip",
    );
  });
  it("aligns PRE under the size column", () => {
    const pre = formatPrefixLine("dir/");
    expect(pre).toBe("                           PRE dir/");
    expect(pre.indexOf("PRE") + 3).toBe(formatObjectLine(date, 1, "x", false).indexOf(" x"));
  });
  it("dates lines of the same second alike, and each second and zone as its own", () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      const at = Date.UTC(2026, 10, 25, 16, 24, 8);
      const text = (ms: number) => formatListingDate(new Date(ms));
      expect(text(at)).toBe("2026-11-25 16:24:08");
      expect(text(at + 999)).toBe("2026-11-25 16:24:08");
      expect(text(at + 1000)).toBe("2026-11-25 16:24:09");
      expect(text(at - 1)).toBe("2026-11-25 16:24:07");
      // The same instant again after the zone changed: local time of the new zone.
      process.env.TZ = "Asia/Tokyo";
      expect(text(at)).toBe("2026-11-26 01:24:08");
      process.env.TZ = "UTC";
      expect(text(at)).toBe("2026-11-25 16:24:08");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
  it("formats buckets and summaries", () => {
    expect(formatBucketLine(date, "releases")).toBe("2026-11-25 16:24:08 releases");
    expect(formatSummary(3, 2048, true)).toEqual([
      "",
      "Total Objects: 3",
      "   Total Size: 2.0 KiB",
    ]);
  });
});

describe("displayPath", () => {
  it("shows paths as aws does", () => {
    expect(displayPath("/w/a.zip", "/w")).toBe("./a.zip");
    expect(displayPath("/w/dist/a.zip", "/w")).toBe("dist/a.zip");
    expect(displayPath("/elsewhere/a.zip", "/w")).toBe("/elsewhere/a.zip");
  });
  it("formats percentages", () => {
    expect(formatPercent(0.9661)).toBe("96.6%");
    expect(oneDecimal(-0.0004)).toBe("0.0");
    expect(oneDecimal(-3.26)).toBe("-3.3");
  });
});
