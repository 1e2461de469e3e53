import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededBytes } from "@dg/testkit";
import { createWorkspace, releaseVersions, type Workspace } from "./harness.js";
import { createTmux, hasTmux } from "./tmux.js";

const tmux = createTmux("explorer");
let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
  expect((await ws.run(["mb", "s3://shelf"])).code).toBe(0);
  for (const [i, bytes] of releaseVersions("explorer-app", 150_000, 4).entries()) {
    await ws.write(`app/app-1.${i}.zip`, bytes);
  }
  for (const [i, bytes] of releaseVersions("explorer-cli", 60_000, 2).entries()) {
    await ws.write(`cli/cli-${i}.tgz`, bytes);
  }
  await ws.write("app/NOTES.txt", "release notes\n");
  for (const folder of ["app", "cli"]) {
    const up = await ws.run(["cp", "-r", folder, `s3://shelf/${folder}/`, "--concurrency", "1"]);
    expect(up.code, up.stderr).toBe(0);
  }
});
afterAll(async () => {
  await tmux.kill();
  await ws.cleanup();
});

/** Upload one file with extra flags, checking it went in. */
async function upload(file: string, to: string, ...flags: string[]): Promise<string> {
  const result = await ws.run(["cp", file, to, ...flags]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe("the stats explorer in a real terminal (tmux 80×24, file:// store)", () => {
  it.runIf(hasTmux)(
    "sorts, filters, opens a deltaspace, verifies, asks before deleting, resizes and quits",
    async () => {
      await tmux.start("x", ws, ["stats", "s3://shelf/"], { columns: 80, rows: 24 });
      let shown = await tmux.waitForScreen("x", "Deltaspace");
      expect(shown).toContain("deltaglider stats s3://shelf/ · quick mode");
      expect(shown).toContain("Objects 7 (6 delta · 1 direct · 2 references) in 2 deltaspaces");
      expect(shown).toMatch(/› (app|cli)\/ +\d/);
      expect(shown).toContain("1–2 of 2 deltaspaces · sorted by savings ↓");
      expect(shown.split("\n").every((line) => [...line].length <= 80)).toBe(true);

      await tmux.keys("x", "n");
      shown = await tmux.waitForScreen("x", "sorted by name ↑");
      expect(shown).toMatch(/› app\/ +5 /);
      await tmux.keys("x", "/");
      await tmux.type("x", "cl");
      shown = await tmux.waitForScreen("x", "Filter: cl");
      expect(shown).toMatch(/› cli\/ +2 /);
      expect(shown).not.toMatch(/ app\/ +5 /);
      await tmux.keys("x", "Escape");
      shown = await tmux.waitForScreen("x", /› app\/ +5 /);

      await tmux.keys("x", "Enter");
      shown = await tmux.waitForScreen("x", "Ratio");
      expect(shown).toContain("deltaglider stats s3://shelf/app/");
      expect(shown).toMatch(/› reference\.bin .* reference/);
      expect(shown).toMatch(/app-1\.0\.zip .* delta \(=ref\)/);
      expect(shown).toMatch(/app-1\.3\.zip .* delta /);
      expect(shown).toMatch(/NOTES\.txt .* direct: type/);
      expect(shown).toMatch(/Delta sizes by upload [▁-█]+/);

      await tmux.keys("x", "Down", "Down", "v");
      shown = await tmux.waitForScreen("x", "verified: s3://shelf/app/app-1.1.zip (sha256");
      expect(shown).toMatch(/› app-1\.1\.zip +✓/);

      await tmux.keys("x", "x");
      shown = await tmux.waitForScreen("x", "y delete · n keep");
      expect(shown).toContain("Delete s3://shelf/app/app-1.1.zip?");
      expect(shown).toContain("app/reference.bin stays: 3 other deltas need it.");
      await tmux.keys("x", "n");
      await tmux.waitForScreen("x", "Nothing deleted.");

      await tmux.resize("x", 120, 30);
      // Wide enough for upload times, tall enough for every file.
      shown = await tmux.waitForScreen("x", /reference +\d{4}-\d\d-\d\d \d\d:\d\d/);
      expect(shown).toContain("1–6 of 6 files · version order");

      await tmux.keys("x", "?");
      await tmux.waitForScreen("x", "verify: rebuild and check the SHA-256");
      await tmux.keys("x", "Escape", "q");
      await tmux.waitForScreen("x", "sorted by name ↑");
      await tmux.keys("x", "q");
      const { code, screen } = await tmux.waitForExit("x");
      expect(code).toBe(0);
      expect(screen).toContain("Bucket statistics: s3://shelf/ (quick mode)");
      // Nothing was deleted by the declined confirmation.
      const listed = await ws.run(["ls", "s3://shelf/app/"]);
      expect(listed.stdout).toContain("app-1.1.zip");
    },
  );

  it.runIf(hasTmux)(
    "says why each file of a deltaspace went in whole, as recorded by the uploads",
    async () => {
      expect((await ws.run(["mb", "s3://whole"])).code).toBe(0);
      const [first] = releaseVersions("whole-app", 120_000, 1);
      await ws.write("whole/app-1.0.zip", first as Uint8Array);
      await ws.write("whole/other.zip", seededBytes("whole-unrelated", 120_000));
      await ws.write("whole/off.zip", seededBytes("whole-off", 10_000));
      await ws.write("whole/notes.txt", "notes\n");
      await ws.write("whole/empty.zip", "");
      await upload("whole/app-1.0.zip", "s3://whole/rel/");
      expect(await upload("whole/other.zip", "s3://whole/rel/")).toContain(
        "(direct: 117.2 KiB, delta over --max-ratio)",
      );
      expect(await upload("whole/off.zip", "s3://whole/rel/", "--no-delta")).toContain(
        "(direct: 9.8 KiB, --no-delta)",
      );
      await upload("whole/notes.txt", "s3://whole/rel/");
      await upload("whole/empty.zip", "s3://whole/rel/");

      await tmux.start("w", ws, ["stats", "s3://whole/"], { columns: 100, rows: 24 });
      await tmux.waitForScreen("w", "Deltaspace");
      await tmux.keys("w", "Enter");
      let shown = await tmux.waitForScreen("w", "Ratio");
      expect(shown).toMatch(/empty\.zip .* direct: empty/);
      expect(shown).toMatch(/notes\.txt .* direct: type/);
      expect(shown).toMatch(/off\.zip .* direct: no-delta/);
      expect(shown).toMatch(/other\.zip .* direct: max-ratio/);
      // Version order: reference.bin, app-1.0.zip, empty.zip, notes.txt, off.zip, other.zip.
      await tmux.keys("w", "Down", "Down", "Down", "Down", "Down");
      shown = await tmux.waitForScreen(
        "w",
        "other.zip: stored whole, its delta was over --max-ratio of its size",
      );
      expect(shown).toMatch(/› other\.zip/);
      await tmux.keys("w", "q", "q");
      const { code } = await tmux.waitForExit("w");
      expect(code).toBe(0);
    },
  );
});
