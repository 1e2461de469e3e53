import type { RebaseResult } from "@dg/sdk";
import { describe, expect, it } from "vitest";
import { formatStatsText, referenceShareText } from "../lib/stats-text.js";
import { rebaseFileLine, rebaseSummary } from "./rebase.js";

const file = {
  key: "rel/app-3.zip",
  action: "re-encoded" as const,
  storedBefore: 84_000,
  storedAfter: 12_000,
  referenceKey: "rel/.dg-refs/0123456789abcdef/reference.bin",
};

describe("rebase output", () => {
  it("says what would happen in a dry run, and what happened with --yes", () => {
    expect(rebaseFileLine("b", file, false)).toBe(
      "would re-encode: s3://b/rel/app-3.zip 82.0 KiB -> 11.7 KiB",
    );
    expect(rebaseFileLine("b", { ...file, action: "new-reference" }, true)).toMatch(
      /^new reference: s3:\/\/b\/rel\/app-3.zip /,
    );
    expect(rebaseFileLine("b", { ...file, action: "kept", storedAfter: 84_000 }, true)).toBe(
      "kept: s3://b/rel/app-3.zip 82.0 KiB",
    );
  });

  it("sums up the bytes and references, and tells how to apply a dry run", () => {
    const result: RebaseResult = {
      bucket: "b",
      deltaspace: "rel",
      applied: false,
      files: [file],
      storedBytesBefore: 400_000,
      storedBytesAfter: 300_000,
      referencesBefore: 2,
      referencesAfter: 2,
      removedReferences: ["rel/.dg-refs/aaaaaaaaaaaaaaaa/reference.bin"],
    };
    expect(rebaseSummary(result)).toEqual([
      "Projected: 390.6 KiB -> 293.0 KiB (saves 97.7 KiB, 25.0%)",
      "References: 2 -> 2",
      "would remove: s3://b/rel/.dg-refs/aaaaaaaaaaaaaaaa/reference.bin (no delta names it)",
      "Dry run: nothing was written. Run again with --yes to do it.",
    ]);
    expect(rebaseSummary({ ...result, applied: true, removedReferences: [] })).toEqual([
      "Stored: 390.6 KiB -> 293.0 KiB (saves 97.7 KiB, 25.0%)",
      "References: 2 -> 2",
    ]);
  });
});

describe("stats text", () => {
  const figures = {
    objectCount: 3,
    deltaObjects: 3,
    directObjects: 0,
    referenceObjects: 2,
    originalBytes: 1_000_000,
    storedBytes: 400_000,
    deltaBytes: 100_000,
    referenceBytes: 300_000,
    directBytes: 0,
    savedBytes: 600_000,
    savingsPercent: 60,
    estimatedDeltas: 0,
    brokenDeltas: 0,
  };

  it("shows references per folder and their share of the stored bytes", () => {
    expect(referenceShareText(figures)).toBe("75.0%");
    expect(referenceShareText({ ...figures, storedBytes: 0 })).toBe("-");
    const lines = formatStatsText(
      {
        ...figures,
        bucket: "b",
        prefix: "",
        mode: "detailed",
        estimated: false,
        deltaspaces: [{ ...figures, deltaspace: "rel", orphanedReference: false }],
        orphanedReferences: [],
      },
      { cached: false, computedAt: "2026-12-07T18:00:00.000Z" },
    );
    expect(lines).toContain("Stored size:        390.6 KiB (400,000 bytes), 75.0% in references");
    const header = lines.find((l) => l.startsWith("Deltaspace"));
    expect(header).toMatch(/Refs {2}Ref share$/);
    expect(lines.find((l) => l.startsWith("rel/"))).toMatch(/ {3}2 {6}75\.0%$/);
  });
});
