import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, releaseVersions, type Workspace } from "./harness.js";
import { createTmux, hasTmux } from "./tmux.js";

const tmux = createTmux("screens");
const SIZE = { columns: 120, rows: 40 };

let ws: Workspace;
/** A foreground colour escape sequence (ESC [ 3x m). */
const COLOR_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[3\\dm`);

beforeAll(async () => {
  ws = await createWorkspace();
  await ws.run(["mb", "s3://screens"]);
  await ws.run(["mb", "s3://moved"]);
  const store = ws.store();
  for (const [i, bytes] of releaseVersions("tmux", 200_000, 3).entries()) {
    await ws.write(`up/app-${i}.zip`, bytes);
    await store.putObject("screens", `plain/app-${i}.zip`, bytes, {});
  }
  const up = await ws.run(["cp", "-r", "up", "s3://screens/releases/"]);
  expect(up.code, up.stderr).toBe(0);
});
afterAll(async () => {
  await tmux.kill();
  await ws.cleanup();
});

describe("screens in a real terminal (tmux 120×40)", () => {
  it.runIf(hasTmux)(
    "stops at the migrate screen on Ctrl-C (exit 130, nothing copied)",
    async () => {
      await tmux.start("abort", ws, ["migrate", "s3://screens/plain/", "s3://moved/"], {
        ...SIZE,
        channel: "abort-done",
      });
      await tmux.waitForScreen("abort", "Proceed? [y/N]");
      await tmux.keys("abort", "C-c");
      await tmux.waitFor("abort-done");
      const shown = await tmux.screen("abort");
      expect(shown, shown).toContain("deltaglider: interrupted");
      expect(shown).toContain("exit=130");
      const copied = await ws.store().listObjects("moved", {});
      expect(copied.objects).toEqual([]);
    },
  );

  it.runIf(hasTmux)("leaves the stats dashboard on screen when the explorer is quit", async () => {
    await tmux.start("stats", ws, ["stats", "s3://screens/releases/"], {
      ...SIZE,
      channel: "stats-done",
    });
    await tmux.waitForScreen("stats", "Deltaspace");
    await tmux.keys("stats", "q");
    await tmux.waitFor("stats-done");
    const shown = await tmux.screen("stats");
    expect(shown).toContain("exit=0");
    expect(shown).toContain("╭");
    expect(shown).toContain("Bucket statistics: s3://screens/releases/ (quick mode)");
    expect(shown).toMatch(/Objects +3 \(3 delta · 0 direct · 1 reference\)/);
    expect(shown).toMatch(/Savings +█+░* \d+\.\d%/);
    expect(shown).toMatch(/releases\/ +3 +585\.9 KiB/);
    expect(shown).toContain("╰");
    // The explorer's own page is gone.
    expect(shown).not.toContain("q quit");
    // Colours on by default…
    expect(await tmux.screen("stats", true)).toMatch(COLOR_ESCAPE);
  });

  it.runIf(hasTmux)("draws no colour with NO_COLOR", async () => {
    // DG_NO_INTERACTIVE (as --no-interactive): the figures drawn once, no keys read.
    await tmux.start("plain", ws, ["stats", "s3://screens/releases/"], {
      ...SIZE,
      env: { NO_COLOR: "1", DG_NO_INTERACTIVE: "true" },
      channel: "plain-done",
    });
    await tmux.waitFor("plain-done");
    const shown = await tmux.screen("plain", true);
    expect(shown).toContain("Bucket statistics");
    expect(shown).not.toMatch(COLOR_ESCAPE);
  });

  it.runIf(hasTmux)(
    "asks on the migrate screen, then shows live progress and a summary",
    async () => {
      await tmux.start("migrate", ws, ["migrate", "s3://screens/plain/", "s3://moved/"], {
        ...SIZE,
        channel: "migrate-done",
      });
      const prompt = await tmux.waitForScreen("migrate", "Proceed? [y/N]");
      expect(prompt).toContain("Migrate with delta compression");
      expect(prompt).toContain("from s3://screens/plain/");
      expect(prompt).toContain("to s3://moved/plain/");
      expect(prompt).toContain("Files to migrate: 3 (585.9 KiB)");
      await tmux.keys("migrate", "y");
      await tmux.waitFor("migrate-done");
      const shown = await tmux.screen("migrate");
      expect(shown).toContain("exit=0");
      // Copies run in parallel: whichever lands first becomes the reference.
      for (const name of ["app-0.zip", "app-1.zip", "app-2.zip"]) {
        expect(shown, shown).toMatch(
          new RegExp(
            `copy: s3://screens/plain/${name} to s3://moved/plain/${name} \\((delta|reference)`,
          ),
        );
      }
      expect(shown).toMatch(/█+ +3\/3 files +585\.9 KiB \/ 585\.9 KiB/);
      expect(shown).toContain("Migration summary: 3 migrated, 0 already there, 0 failed");
    },
  );
});
