import { execFile, spawnSync } from "node:child_process";
import { setTimeout as pace } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, createWorkspace, releaseVersions, type Workspace } from "./harness.js";

const run = promisify(execFile);
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const socket = `dg-cli-test-${process.pid}`;

let ws: Workspace;
/** A foreground colour escape sequence (ESC [ 3x m). */
const COLOR_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[3\\dm`);

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Start the CLI in a fixed-size tmux pane; the pane signals `channel` when it exits. */
async function startInTmux(
  session: string,
  channel: string,
  args: readonly string[],
  extraEnv: Readonly<Record<string, string>> = {},
) {
  const env = { ...ws.env, TERM: "xterm-256color" } as Record<string, string | undefined>;
  delete env.CI;
  delete env.NO_COLOR;
  Object.assign(env, extraEnv);
  const assignments = Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${shellQuote(value)}`)
    .join(" ");
  const command = `cd ${shellQuote(ws.cwd)} && env -i ${assignments} ${shellQuote(process.execPath)} ${shellQuote(CLI_MAIN)} ${args.map(shellQuote).join(" ")}; echo "exit=$?"; tmux -L ${socket} wait-for -S ${channel}; sleep 600`;
  await run("tmux", [
    "-L",
    socket,
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "120",
    "-y",
    "40",
    command,
  ]);
}

async function screen(session: string, escapes = false): Promise<string> {
  const flags = escapes ? ["-p", "-e"] : ["-p"];
  const { stdout } = await run("tmux", ["-L", socket, "capture-pane", ...flags, "-t", session]);
  return stdout;
}

/**
 * Bounded wait for a condition: probe until `probe` returns a value, or fail after
 * `timeoutMs` with `describe()`. A terminal screen raises no event when a prompt appears
 * (the program prints and waits), so probing is the only way to observe it; the pause
 * between probes only paces them and no assertion depends on how long anything took.
 */
async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  describe: () => Promise<string>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(await describe());
    await pace(25);
  }
}

/** Wait until the pane shows `text`, and return the screen that showed it. */
function waitForScreen(session: string, text: string): Promise<string> {
  return waitUntil(
    async () => {
      const shown = await screen(session);
      return shown.includes(text) ? shown : undefined;
    },
    async () => `"${text}" never appeared:\n${await screen(session)}`,
  );
}

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
  if (hasTmux) await run("tmux", ["-L", socket, "kill-server"]).catch(() => undefined);
  await ws.cleanup();
});

describe("screens in a real terminal (tmux 120×40)", () => {
  it.runIf(hasTmux)(
    "stops at the migrate screen on Ctrl-C (exit 130, nothing copied)",
    async () => {
      await startInTmux("abort", "abort-done", ["migrate", "s3://screens/plain/", "s3://moved/"]);
      await waitForScreen("abort", "Proceed? [y/N]");
      await run("tmux", ["-L", socket, "send-keys", "-t", "abort", "C-c"]);
      await run("tmux", ["-L", socket, "wait-for", "abort-done"]);
      const shown = await screen("abort");
      expect(shown, shown).toContain("deltaglider: interrupted");
      expect(shown).toContain("exit=130");
      const copied = await ws.store().listObjects("moved", {});
      expect(copied.objects).toEqual([]);
    },
  );

  it.runIf(hasTmux)("draws the stats dashboard", async () => {
    await startInTmux("stats", "stats-done", ["stats", "s3://screens/releases/"]);
    await run("tmux", ["-L", socket, "wait-for", "stats-done"]);
    const shown = await screen("stats");
    expect(shown).toContain("exit=0");
    expect(shown).toContain("╭");
    expect(shown).toContain("Bucket statistics: s3://screens/releases/ (quick mode)");
    expect(shown).toMatch(/Objects +3 \(3 delta · 0 direct · 1 reference\)/);
    expect(shown).toMatch(/Savings +█+░* \d+\.\d%/);
    expect(shown).toMatch(/releases\/ +3 +585\.9 KiB/);
    expect(shown).toContain("╰");
    // Colours on by default…
    expect(await screen("stats", true)).toMatch(COLOR_ESCAPE);
  });

  it.runIf(hasTmux)("draws no colour with NO_COLOR", async () => {
    await startInTmux("plain", "plain-done", ["stats", "s3://screens/releases/"], {
      NO_COLOR: "1",
    });
    await run("tmux", ["-L", socket, "wait-for", "plain-done"]);
    const shown = await screen("plain", true);
    expect(shown).toContain("Bucket statistics");
    expect(shown).not.toMatch(COLOR_ESCAPE);
  });

  it.runIf(hasTmux)(
    "asks on the migrate screen, then shows live progress and a summary",
    async () => {
      await startInTmux("migrate", "migrate-done", [
        "migrate",
        "s3://screens/plain/",
        "s3://moved/",
      ]);
      const prompt = await waitForScreen("migrate", "Proceed? [y/N]");
      expect(prompt).toContain("Migrate with delta compression");
      expect(prompt).toContain("from s3://screens/plain/");
      expect(prompt).toContain("to s3://moved/plain/");
      expect(prompt).toContain("Files to migrate: 3 (585.9 KiB)");
      await run("tmux", ["-L", socket, "send-keys", "-t", "migrate", "y"]);
      await run("tmux", ["-L", socket, "wait-for", "migrate-done"]);
      const shown = await screen("migrate");
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
