import type { DirectReason } from "@dg/sdk";
import { describe, expect, it } from "vitest";
import {
  directCount,
  directCountsText,
  directReasonShort,
  directReasonText,
} from "./direct-reason.js";
import { migrationSummaryLines } from "./migration-summary.js";
import { storedNote } from "./transfer-lines.js";

const EVERY: readonly DirectReason[] = [
  "delta-disabled",
  "not-eligible",
  "empty",
  "max-ratio",
  "reference-changed",
];

const direct = (directReason: DirectReason) =>
  ({
    storageType: "direct",
    originalSize: 2048,
    storedSize: 2048,
    savingsPercent: 0,
    directReason,
  }) as const;

describe("why a file went in whole", () => {
  it("has a few words and a phrase for every reason, and for an unrecorded one", () => {
    expect(EVERY.map(directReasonShort)).toEqual([
      "no-delta",
      "type",
      "empty",
      "max-ratio",
      "ref race",
    ]);
    expect(directReasonShort(undefined)).toBe("ratio/off");
    const phrases = [...EVERY, undefined].map(directReasonText);
    expect(new Set(phrases).size).toBe(6);
    expect(directReasonText("max-ratio")).toBe("its delta was over --max-ratio of its size");
  });

  it("keeps plain transfer lines as they were, and names every reason on the screens", () => {
    expect(EVERY.map((reason) => storedNote(direct(reason)))).toEqual([
      "(direct: 2.0 KiB, --no-delta)",
      "(direct: 2.0 KiB)",
      "(direct: 2.0 KiB)",
      "(direct: 2.0 KiB, delta over --max-ratio)",
      "(direct: 2.0 KiB)",
    ]);
    expect(EVERY.map((reason) => storedNote(direct(reason), { everyReason: true }))).toEqual([
      "(direct: 2.0 KiB, --no-delta)",
      "(direct: 2.0 KiB, not a delta-eligible type)",
      "(direct: 2.0 KiB, empty file)",
      "(direct: 2.0 KiB, delta over --max-ratio)",
      "(direct: 2.0 KiB, reference changed during the upload)",
    ]);
  });

  it("counts files by reason in a fixed order, and the summary lists them", () => {
    const counts = { "max-ratio": 2, "not-eligible": 3, "reference-changed": 1 };
    expect(directCount(counts)).toBe(6);
    expect(directCountsText(counts)).toBe(
      "3 not a delta-eligible type, 2 delta over --max-ratio, 1 reference changed during the upload",
    );
    const result = {
      migrated: 8,
      skipped: 1,
      failed: 0,
      notStarted: 0,
      stopped: false,
      originalBytes: 1000,
      storedBytes: 500,
    };
    expect(migrationSummaryLines({ ...result, direct: counts })).toEqual([
      "Migration summary: 8 migrated, 1 already there, 0 failed",
      "Stored 1000 Bytes as 500 Bytes (50.0% saved)",
      "Stored whole: 6 files (3 not a delta-eligible type, 2 delta over --max-ratio, 1 reference changed during the upload)",
    ]);
    // None stored whole: no such line, as before.
    expect(migrationSummaryLines({ ...result, direct: {} })).toHaveLength(2);
    expect(migrationSummaryLines(result)).toHaveLength(2);
  });
});
