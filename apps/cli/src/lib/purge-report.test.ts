import { describe, expect, it } from "vitest";
import type { SetAsideScan, TempScan } from "@dg/sdk";
import { dryRunJson, dryRunText, purgeJson, purgeText } from "./purge-report.js";

const none: SetAsideScan = { removable: [], kept: [] };
const files = (n: number): TempScan => ({
  expired: Array.from({ length: n }, (_, i) => ({
    key: `.deltaglider/tmp/${i}_a.zip`,
    size: 1000 + i,
    expiresAt: `2026-11-25T10:00:0${i % 10}`,
  })),
  live: 1,
  undated: [],
});

describe("purge --dry-run output", () => {
  it("prints the count, the size with commas, the first 10 files and how many more", () => {
    const lines = dryRunText(files(12), none);
    expect(lines.slice(0, 4)).toEqual([
      "Dry run: Would delete 12 expired file(s)",
      "Total space to free: 12,066 bytes",
      "Files that would be deleted (first 10):",
      "  .deltaglider/tmp/0_a.zip (expires: 2026-11-25T10:00:00)",
    ]);
    expect(lines).toHaveLength(3 + 10 + 1);
    expect(lines.at(-1)).toBe("  ... and 2 more");
  });

  it("prints two lines when nothing expired, and set-aside references only when there are some", () => {
    expect(dryRunText(files(0), none)).toEqual([
      "Dry run: Would delete 0 expired file(s)",
      "Total space to free: 0 bytes",
    ]);
    const setAside: SetAsideScan = {
      removable: [{ key: ".deltaglider/trash/ab", size: 3, lastModified: new Date(0) }],
      kept: [{ key: ".deltaglider/trash/cd", reason: "why" }],
    };
    expect(dryRunText(files(0), setAside).slice(2)).toEqual([
      "Set-aside references that would be deleted: 1",
      "  .deltaglider/trash/ab",
      "Kept set-aside reference .deltaglider/trash/cd (why)",
    ]);
  });

  it("gives the Python tool's JSON fields", () => {
    const json = dryRunJson("b", files(11), none);
    expect(json).toMatchObject({
      bucket: "b",
      prefix: ".deltaglider/tmp/",
      dry_run: true,
      would_delete_count: 11,
      total_size_to_free: 11_055,
    });
    expect(json.expired_files).toHaveLength(10);
    expect(json.expired_files[0]).toEqual({
      key: ".deltaglider/tmp/0_a.zip",
      size: 1000,
      expires_at: "2026-11-25T10:00:00",
    });
  });
});

describe("purge output", () => {
  const outcome = (errors: number) => ({
    bucket: "b",
    scan: files(8),
    deleted: files(8)
      .expired.slice(errors)
      .map((f) => f.key),
    freedBytes: 4321,
    errors: Array.from({ length: errors }, (_, i) => ({
      key: `.deltaglider/tmp/${i}_a.zip`,
      message: "Access denied\nfor you",
    })),
    durationSeconds: 1.23456,
    setAside: none,
    setAsideDeleted: [],
  });

  it("prints the statistics block, then up to 5 errors", () => {
    expect(purgeText(outcome(0))).toEqual([
      "Purge Statistics for bucket: b",
      "=".repeat(60),
      "Expired files found:  8",
      "Files deleted:        8",
      "Errors:               0",
      "Space freed:          4321 bytes",
      "Duration:             1.23 seconds",
    ]);
    const failed = purgeText(outcome(7));
    expect(failed.slice(4, 5)).toEqual(["Errors:               7"]);
    expect(failed.slice(7)).toEqual([
      "",
      "Errors encountered:",
      ...[0, 1, 2, 3, 4].map(
        (i) => `  - Failed to delete .deltaglider/tmp/${i}_a.zip: Access denied for you`,
      ),
      "  ... and 2 more",
    ]);
  });

  it("gives the Python tool's JSON fields", () => {
    expect(purgeJson(outcome(1))).toEqual({
      bucket: "b",
      prefix: ".deltaglider/tmp/",
      deleted_count: 7,
      expired_count: 8,
      error_count: 1,
      total_size_freed: 4321,
      duration_seconds: 1.23,
      errors: ["Failed to delete .deltaglider/tmp/0_a.zip: Access denied for you"],
      set_aside_references: { deleted: [], kept: [] },
    });
  });
});
