import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWorkspace, releaseVersions, uniqueBucket, type Workspace } from "./harness.js";
import { createTmux, hasTmux } from "./tmux.js";

const tmux = createTmux("migrate-moto");
let ws: Workspace;
const legacy = uniqueBucket("tui-legacy");
const compact = uniqueBucket("tui-compact");

beforeAll(async () => {
  ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
  for (const bucket of [legacy, compact]) {
    expect((await ws.run(["mb", `s3://${bucket}`])).code).toBe(0);
  }
  for (const [i, bytes] of releaseVersions("tui-migrate", 300_000, 4).entries()) {
    await ws.write(`releases/app-2.${i}.zip`, bytes);
  }
  // Stored whole, as a plain S3 prefix holds them.
  const up = await ws.run(["cp", "-r", "releases", `s3://${legacy}/releases/`, "--no-delta"]);
  expect(up.code, up.stderr).toBe(0);
});
afterAll(async () => {
  await tmux.kill();
  await ws.cleanup();
});

describe("migrate in a real terminal (tmux 160×32, moto)", () => {
  it.runIf(hasTmux)(
    "shows the plan with projected savings, runs on y, and ends on the summary",
    async () => {
      await tmux.start("m", ws, ["migrate", `s3://${legacy}/releases/`, `s3://${compact}/`], {
        columns: 160,
        rows: 32,
      });
      let shown = await tmux.waitForScreen("m", "Proceed? [y/N]");
      expect(shown).toContain(`from s3://${legacy}/releases/`);
      expect(shown).toContain(`to s3://${compact}/releases/`);
      expect(shown).toContain("Files to migrate: 4 (1.1 MiB)");
      shown = await tmux.waitForScreen("m", "Projected savings: about");
      expect(shown).toMatch(/Projected savings: about \d+\.\d% \(1\.1 MiB stored as about .+\)/);
      expect(shown).toMatch(/measured on \d sampled files?/);

      await tmux.keys("m", "y");
      const { code, screen } = await tmux.waitForExit("m");
      expect(code, screen).toBe(0);
      for (let i = 0; i < 4; i += 1) {
        expect(screen).toMatch(
          new RegExp(
            `copy: s3://${legacy}/releases/app-2\\.${i}\\.zip to s3://${compact}/releases/app-2\\.${i}\\.zip \\((delta|reference)`,
          ),
        );
      }
      expect(screen).toContain(`Migrating s3://${legacy}/releases/ → s3://${compact}/releases/`);
      expect(screen).toMatch(/█+ +4\/4 files +1\.1 MiB \/ 1\.1 MiB/);
      expect(screen).toMatch(/Saved so far: [\d.]+ KiB \(1\.1 MiB copied, stored as/);
      expect(screen).toContain("Migration summary: 4 migrated, 0 already there, 0 failed");
      expect(screen).toMatch(/Stored 1\.1 MiB as [\d.]+ KiB \(\d+\.\d% saved\)/);
      expect(screen).not.toContain("p pause");

      const verified = await ws.run(["verify", "-r", `s3://${compact}/releases/`]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout.match(/^verified: /gm)).toHaveLength(4);
      // A second run finds everything there.
      const again = await ws.run([
        "migrate",
        `s3://${legacy}/releases/`,
        `s3://${compact}/`,
        "--yes",
      ]);
      expect(again.stdout).toContain("Already migrated: 4 files (skipped)");
      expect(again.stdout).toContain("Nothing to migrate: every file is already there.");
    },
  );
});
