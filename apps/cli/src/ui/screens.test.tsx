import type { BucketStats } from "@dg/sdk";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { MigrateConfirm, type MigrationSummary } from "./MigrateConfirm.js";
import type { ProgressSnapshot } from "./progress-store.js";
import { StatsDashboard } from "./StatsDashboard.js";
import { StatsProgress } from "./StatsProgress.js";
import { TransferProgress } from "./TransferProgress.js";

const figures = {
  objectCount: 3,
  deltaObjects: 2,
  directObjects: 1,
  referenceObjects: 1,
  originalBytes: 6_000_000,
  storedBytes: 300_000,
  deltaBytes: 1000,
  referenceBytes: 290_000,
  directBytes: 9000,
  savedBytes: 5_700_000,
  savingsPercent: 95,
  estimatedDeltas: 0,
  brokenDeltas: 0,
};

const stats: BucketStats = {
  bucket: "releases",
  prefix: "",
  mode: "quick",
  estimated: false,
  ...figures,
  deltaspaces: [
    { deltaspace: "app/v1", orphanedReference: false, ...figures },
    {
      deltaspace: "old",
      orphanedReference: true,
      ...figures,
      objectCount: 0,
      originalBytes: 0,
      storedBytes: 1024,
      savingsPercent: 0,
    },
  ],
  orphanedReferences: ["old/reference.bin"],
};

describe("TransferProgress", () => {
  const snapshot: ProgressSnapshot = {
    totals: {
      filesPlanned: 4,
      filesDone: 1,
      filesFailed: 1,
      bytesPlanned: 4 * 1024 * 1024,
      bytesDone: 2 * 1024 * 1024,
      originalBytesStored: 1024 * 1024,
      storedBytes: 10 * 1024,
      startedAt: 0,
    },
    active: [{ id: 2, label: "s3://b/rel/app-3.zip", bytes: 1024 * 1024, done: 512 * 1024 }],
    lines: [
      {
        id: 0,
        text: "upload: ./app-1.zip to s3://b/rel/app-1.zip (reference: 1.0 MiB)",
        tone: "ok",
      },
      { id: 1, text: "upload failed: ./app-2.zip to s3://b/rel/app-2.zip: boom", tone: "error" },
    ],
  };

  it("shows finished lines, files, bytes, rate, ETA, savings and files in flight", () => {
    const { lastFrame } = render(<TransferProgress snapshot={snapshot} now={2000} width={100} />);
    const frame = lastFrame() ?? "";
    expect(frame).toContain("upload: ./app-1.zip to s3://b/rel/app-1.zip (reference: 1.0 MiB)");
    expect(frame).toContain("upload failed: ./app-2.zip");
    expect(frame).toContain("2/4 files");
    expect(frame).toContain("2.0 MiB / 4.0 MiB");
    expect(frame).toContain("1.0 MiB/s");
    expect(frame).toContain("ETA 0:02");
    expect(frame).toContain("saved 99.0%");
    expect(frame).toContain("1 failed");
    expect(frame).toContain("s3://b/rel/app-3.zip 50%");
  });

  it("draws a title and drops the files in flight once done", () => {
    const { lastFrame } = render(
      <TransferProgress snapshot={snapshot} now={2000} title="Migrating a → b" done width={100} />,
    );
    expect(lastFrame()).toContain("Migrating a → b");
    expect(lastFrame()).not.toContain("app-3.zip 50%");
    expect(lastFrame()).toContain("ETA 0:00");
  });
});

describe("StatsDashboard", () => {
  it("shows totals, a savings bar, one row per deltaspace and orphans", () => {
    const { lastFrame } = render(
      <StatsDashboard
        stats={stats}
        provenance={{ cached: true, computedAt: "2026-11-25T10:00:00.000Z" }}
        width={100}
      />,
    );
    const frame = lastFrame() ?? "";
    expect(frame).toContain("Bucket statistics: s3://releases/ (quick mode)");
    expect(frame).toMatch(/Objects +3 \(2 delta · 1 direct · 1 reference\)/);
    expect(frame).toMatch(/Original size +5\.7 MiB/);
    expect(frame).toMatch(/Savings +█+░* 95\.0%/);
    expect(frame).toMatch(/app\/v1\/ +3 +5\.7 MiB +293\.0 KiB +95\.0%/);
    expect(frame).toContain("Orphaned reference: s3://releases/old/reference.bin");
    expect(frame).toContain("Cached result from 2026-11-25T10:00:00.000Z");
  });

  it("says so when nothing is stored", () => {
    const empty = { ...stats, deltaspaces: [], orphanedReferences: [] };
    const { lastFrame } = render(
      <StatsDashboard stats={empty} provenance={{ cached: false, computedAt: "t" }} width={80} />,
    );
    expect(lastFrame()).toContain("Nothing stored here yet.");
  });
});

describe("MigrateConfirm", () => {
  const summary: MigrationSummary = {
    source: "s3://legacy/releases/",
    destination: "s3://compact/releases/",
    files: 7,
    bytes: 3 * 1024 * 1024,
    skipped: 2,
    regionLines: ["EC2 instance: eu-west-1b", "Note: consider --region eu-west-1"],
    preview: ["app-1.zip", "app-2.zip"],
  };

  it("shows the plan and proceeds on y", async () => {
    const answers: string[] = [];
    const { lastFrame, stdin } = render(
      <MigrateConfirm summary={summary} onAnswer={(answer) => answers.push(answer)} />,
    );
    const frame = lastFrame() ?? "";
    expect(frame).toContain("s3://legacy/releases/");
    expect(frame).toContain("Files to migrate: 7 (3.0 MiB)");
    expect(frame).toContain("Already migrated: 2 (skipped)");
    expect(frame).toContain("… and 5 more");
    expect(frame).toContain("consider --region eu-west-1");
    expect(frame).toContain("Proceed? [y/N]");
    await new Promise((resolve) => setImmediate(resolve));
    stdin.write("y");
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toEqual(["yes"]);
  });

  it("cancels on n and on Enter, interrupts on Ctrl-C", async () => {
    const answers: string[] = [];
    const { stdin } = render(
      <MigrateConfirm summary={summary} onAnswer={(a) => answers.push(a)} />,
    );
    await new Promise((resolve) => setImmediate(resolve));
    stdin.write("n");
    stdin.write("\r");
    stdin.write("\u0003");
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toEqual(["no", "no", "interrupt"]);
  });
});

describe("StatsProgress", () => {
  it("says what stats is doing and how far it got", () => {
    const { lastFrame, rerender } = render(
      <StatsProgress location="s3://b/" phase="listing" objects={1500} animate={false} />,
    );
    expect(lastFrame()).toBe("⠋ Reading the listing of s3://b/ (1,500 stored objects seen)");
    rerender(<StatsProgress location="s3://b/" phase="computing" objects={0} animate={false} />);
    expect(lastFrame()).toContain("Computing the figures of s3://b/");
  });
});
