import type { CompressionEstimate } from "@dg/sdk";
import { describe, expect, it } from "vitest";
import { drive, KEYS, linesOf } from "../../../test/ink-driver.js";
import type { MigrationSummary } from "../MigrateConfirm.js";
import { createMigrationController } from "./controller.js";
import { MigrationScreen } from "./MigrationScreen.js";

const KiB = 1024;
const START = Date.parse("2026-11-25T12:00:00.000Z");

const summary: MigrationSummary = {
  source: "s3://legacy/releases/",
  destination: "s3://compact/releases/",
  files: 4,
  bytes: 400 * KiB,
  skipped: 1,
  regionLines: [],
  preview: ["app-1.zip", "app-2.zip", "app-3.zip", "app-4.zip"],
};

const estimate: CompressionEstimate = {
  bucket: "legacy",
  prefix: "releases/",
  objectCount: 5,
  eligibleObjects: 5,
  totalBytes: 500 * KiB,
  eligibleBytes: 500 * KiB,
  sampledObjects: 3,
  estimatedStoredBytes: 110 * KiB,
  estimatedSavedBytes: 390 * KiB,
  estimatedSavingsPercent: 78,
  folders: [],
};

async function open(size = { columns: 120, rows: 30 }) {
  let clock = START;
  const controller = createMigrationController({ summary, intervalMs: 0, now: () => clock });
  const ui = await drive(<MigrationScreen controller={controller} now={START + 4000} />, size);
  return {
    ui,
    controller,
    setClock(ms: number) {
      clock = ms;
    },
  };
}

/** A stand-in for the SDK's migration: records the controls the keys call. */
function fakeRun() {
  const calls: string[] = [];
  return {
    calls,
    pause: () => calls.push("pause"),
    resume: () => calls.push("resume"),
    stop: () => calls.push("stop"),
    abort: () => calls.push("abort"),
  };
}

/** Start the dashboard with the plan of four files of 100 KiB. */
async function running(size?: { columns: number; rows: number }) {
  const opened = await open(size);
  const run = fakeRun();
  opened.controller.begin(run);
  opened.controller.reporter.plan(4, 400 * KiB);
  await opened.ui.untilShows("0/4 files");
  return { ...opened, run };
}

describe("migrate: the plan", () => {
  it("shows what goes where, then the projected savings once measured, and proceeds on y", async () => {
    const { ui, controller } = await open();
    controller.setEstimate({ status: "measuring", folders: 0 });
    let frame = await ui.untilShows("Projected savings: measuring");
    expect(frame).toContain("from s3://legacy/releases/");
    expect(frame).toContain("to s3://compact/releases/");
    expect(frame).toContain("Files to migrate: 4 (400.0 KiB)");
    expect(frame).toContain("Already migrated: 1 (skipped)");
    expect(frame).toContain("Proceed? [y/N]");
    expect(frame).toContain("Projected savings: measuring samples… (0 folders measured)");
    controller.setEstimate({ status: "measuring", folders: 2 });
    await ui.untilShows("(2 folders measured)");
    controller.setEstimate({ status: "ready", estimate });
    frame = await ui.untilShows("Projected savings: about 78.0%");
    expect(frame).toContain("(500.0 KiB stored as about 110.0 KiB), measured on 3 sampled files");
    await ui.press("y");
    expect(await controller.answered).toBe("yes");
  });

  it("says when the projection could not be measured, and cancels on n", async () => {
    const { ui, controller } = await open();
    controller.setEstimate({ status: "failed", message: "Access Denied" });
    await ui.untilShows("Projected savings: not measured (Access Denied)");
    await ui.press("n");
    expect(await controller.answered).toBe("no");
  });

  it("interrupts on Ctrl-C", async () => {
    const { ui, controller } = await open();
    await ui.untilShows("Proceed?");
    await ui.press(KEYS.ctrlC);
    expect(await controller.answered).toBe("interrupt");
  });
});

describe("migrate: the dashboard", () => {
  it("shows files in flight with their progress, the overall bar, savings, rate and ETA", async () => {
    const { ui, controller } = await running();
    const { reporter } = controller;
    reporter.start(0, "s3://compact/releases/app-1.zip", 100 * KiB);
    reporter.start(1, "s3://compact/releases/app-2.zip", 100 * KiB);
    reporter.advance(0, 50 * KiB);
    reporter.advance(1, 25 * KiB);
    let frame = await ui.untilShows("app-1.zip");
    expect(frame).toContain("Migrating s3://legacy/releases/ → s3://compact/releases/");
    expect(frame).toMatch(/app-1\.zip +█+░+ +50% 50\.0 KiB \/ 100\.0 KiB/);
    expect(frame).toMatch(/app-2\.zip +█+░+ +25% 25\.0 KiB \/ 100\.0 KiB/);
    expect(frame).toMatch(/0\/4 files +75\.0 KiB \/ 400\.0 KiB +18\.8 KiB\/s +ETA 0:17/);
    expect(frame).toContain("Saved so far: nothing stored yet");
    expect(frame).toContain("p pause · q stop (running files finish) · ctrl-c stop now");

    reporter.finish(
      0,
      "copy: s3://legacy/releases/app-1.zip to s3://compact/releases/app-1.zip (delta: 2.0 KiB, 98.0% saved)",
      {
        originalBytes: 100 * KiB,
        storedBytes: 2 * KiB,
      },
    );
    frame = await ui.untilShows("1/4 files");
    expect(frame).toContain(
      "copy: s3://legacy/releases/app-1.zip to s3://compact/releases/app-1.zip (delta: 2.0 KiB, 98.0% saved)",
    );
    expect(frame).toContain("Saved so far: 98.0 KiB (100.0 KiB copied, stored as 2.0 KiB)");
    expect(frame).toContain("saved 98.0%");
    expect(frame).not.toMatch(/app-1\.zip +█/);
  });

  it("lists failures as they happen", async () => {
    const { ui, controller } = await running();
    const { reporter } = controller;
    reporter.start(2, "s3://compact/releases/app-3.zip", 100 * KiB);
    reporter.fail(2, [
      "copy failed: s3://legacy/releases/app-3.zip to s3://compact/releases/app-3.zip: Access Denied",
      "  hint: Check the credentials.",
    ]);
    const frame = await ui.untilShows("Failed (1):");
    expect(frame).toContain(
      "  copy failed: s3://legacy/releases/app-3.zip to s3://compact/releases/app-3.zip: Access Denied",
    );
    expect(frame).toContain("  hint: Check the credentials.");
    expect(frame).toMatch(/1\/4 files .* 1 failed/);
    reporter.start(3, "s3://compact/releases/app-4.zip", 100 * KiB);
    reporter.fail(3, [
      "copy failed: s3://legacy/releases/app-4.zip to s3://compact/releases/app-4.zip: boom",
    ]);
    await ui.untilShows("Failed (2):");
  });

  it("pauses on p (no new file starts, running ones go on) and resumes on p", async () => {
    const { ui, controller, run } = await running();
    controller.reporter.start(0, "s3://compact/releases/app-1.zip", 100 * KiB);
    await ui.untilShows("app-1.zip");
    await ui.press("p");
    let frame = await ui.untilShows("PAUSED");
    expect(frame).toContain("Paused: no new file starts; 1 file running finish. p resumes.");
    expect(run.calls).toEqual(["pause"]);
    // The running file still moves while paused.
    controller.reporter.advance(0, 60 * KiB);
    await ui.untilShows("60%");
    await ui.press("p");
    frame = await ui.until((shown) => !shown.includes("PAUSED"));
    expect(frame).toContain("p pause · q stop");
    expect(run.calls).toEqual(["pause", "resume"]);
  });

  it("stops on q once the running files finish, and at once on a second q", async () => {
    const { ui, controller, run } = await running();
    controller.reporter.start(0, "s3://compact/releases/app-1.zip", 100 * KiB);
    await ui.untilShows("app-1.zip");
    await ui.press("q");
    const frame = await ui.untilShows(
      "Stopping: no new file starts; 1 file running finishes first",
    );
    expect(frame).toContain("(q again or ctrl-c cancels it)");
    expect(run.calls).toEqual(["stop"]);
    // p does nothing once stopping.
    await ui.press("p");
    await ui.press("q");
    await ui.untilShows("Stopping now: cancelling 1 file running…");
    expect(run.calls).toEqual(["stop", "abort"]);
  });

  it("stops at once on Ctrl-C, even while paused", async () => {
    const { ui, run } = await running();
    await ui.press("p");
    await ui.untilShows("PAUSED");
    await ui.press(KEYS.ctrlC);
    const frame = await ui.untilShows("Stopping now");
    expect(frame).not.toContain("PAUSED");
    expect(run.calls).toEqual(["pause", "abort"]);
  });

  it("counts the files stored whole by reason, and says why on each file's line", async () => {
    const { ui, controller } = await running();
    const { reporter } = controller;
    reporter.start(0, "s3://compact/releases/notes.txt", 1 * KiB);
    reporter.finish(
      0,
      "copy: s3://legacy/releases/notes.txt to s3://compact/releases/notes.txt (direct: 1.0 KiB, not a delta-eligible type)",
      { originalBytes: 1 * KiB, storedBytes: 1 * KiB, directReason: "not-eligible" },
    );
    let frame = await ui.untilShows("Stored whole: 1");
    expect(frame).toContain("Stored whole: 1 (1 not a delta-eligible type)");
    expect(frame).toContain("(direct: 1.0 KiB, not a delta-eligible type)");
    reporter.start(1, "s3://compact/releases/other.zip", 100 * KiB);
    reporter.finish(1, "copy: other.zip", {
      originalBytes: 100 * KiB,
      storedBytes: 100 * KiB,
      directReason: "max-ratio",
    });
    reporter.start(2, "s3://compact/releases/empty.zip", 0);
    reporter.finish(2, "copy: empty.zip", {
      originalBytes: 0,
      storedBytes: 0,
      directReason: "empty",
    });
    frame = await ui.untilShows("Stored whole: 3");
    expect(frame).toContain(
      "Stored whole: 3 (1 not a delta-eligible type, 1 empty file, 1 delta over --max-ratio)",
    );
    controller.finish({
      migrated: 4,
      skipped: 0,
      failed: 0,
      notStarted: 0,
      stopped: false,
      originalBytes: 300 * KiB,
      storedBytes: 250 * KiB,
      direct: { "delta-disabled": 1, "reference-changed": 1 },
    });
    frame = await ui.untilShows("Migration summary:");
    expect(frame).toContain(
      "Stored whole: 2 files (1 --no-delta, 1 reference changed during the upload)",
    );
    // The live count gives way to the summary's.
    expect(frame).not.toContain("Stored whole: 3 (");
  });

  it("ends on a summary with the plain summary's figures", async () => {
    const { ui, controller, run } = await running();
    const { reporter } = controller;
    reporter.start(0, "s3://compact/releases/app-1.zip", 100 * KiB);
    reporter.finish(0, "copy: a to b", { originalBytes: 100 * KiB, storedBytes: 2 * KiB });
    reporter.start(1, "s3://compact/releases/app-2.zip", 100 * KiB);
    reporter.finish(1, "copy: c to d", { originalBytes: 100 * KiB, storedBytes: 3 * KiB });
    reporter.start(2, "s3://compact/releases/app-3.zip", 100 * KiB);
    reporter.fail(2, ["copy failed: app-3.zip: boom"]);
    controller.finish({
      migrated: 2,
      skipped: 1,
      failed: 1,
      notStarted: 1,
      stopped: true,
      originalBytes: 200 * KiB,
      storedBytes: 5 * KiB,
    });
    const frame = await ui.untilShows("Migration summary:");
    expect(frame).toContain("Migration summary: 2 migrated, 1 already there, 1 failed");
    expect(frame).toContain("Stored 200.0 KiB as 5.0 KiB (97.5% saved)");
    expect(frame).toContain("Stopped before 1 file: run the same command again to resume");
    expect(frame).toContain("Took 0:04 at");
    expect(frame).toMatch(/Failed:\s+│?\s*│? +copy failed: app-3\.zip: boom/);
    expect(frame).not.toContain("p pause");
    // Keys do nothing once it is over.
    await ui.press("q");
    expect(run.calls).toEqual([]);
  });

  it("fits the terminal and follows its size", async () => {
    const { ui, controller } = await running();
    for (let id = 0; id < 12; id += 1) {
      controller.reporter.start(
        id,
        `s3://compact/releases/very/long/folder/name/app-${id}.zip`,
        100 * KiB,
      );
    }
    let frame = await ui.untilShows("… and 4 more running");
    expect(linesOf(frame).every((line) => [...line].length <= 120)).toBe(true);
    expect(frame).toContain("… and 4 more running");
    ui.resize(60, 16);
    frame = await ui.untilShows("… and 6 more running");
    const live = linesOf(frame);
    expect(live.every((line) => [...line].length <= 60)).toBe(true);
    expect(live.filter((line) => line.includes(".zip")).length).toBe(6);
  });
});
