import { execFile, spawnSync } from "node:child_process";
import { setTimeout as pace } from "node:timers/promises";
import { promisify } from "node:util";
import { CLI_MAIN, type Workspace } from "./harness.js";

const run = promisify(execFile);

/** Whether tmux is installed (tests that need a real terminal skip without it). */
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * Bounded wait for a condition: probe until `probe` returns a value, or fail after
 * `timeoutMs` with `describe()`. A terminal screen raises no event when a prompt appears
 * (the program prints and waits), so probing is the only way to observe it; the pause
 * between probes only paces them and no assertion depends on how long anything took.
 */
export async function waitUntil<T>(
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

/**
 * A private tmux server (its own socket) to run the built CLI in real terminals of a fixed
 * size, type into them and read their screens.
 *
 * @example
 * ```ts
 * const tmux = createTmux("stats");
 * await tmux.start("s", ws, ["stats", "s3://b/"], { columns: 80, rows: 24 });
 * await tmux.waitForScreen("s", "Deltaspace");
 * await tmux.keys("s", "q");
 * ```
 */
export function createTmux(tag: string) {
  const socket = `dg-cli-${tag}-${process.pid}`;
  const tmux = (...args: string[]) => run("tmux", ["-L", socket, ...args]);
  const screen = async (session: string, escapes = false): Promise<string> => {
    const flags = escapes ? ["-p", "-e"] : ["-p"];
    const { stdout } = await tmux("capture-pane", ...flags, "-t", session);
    return stdout;
  };
  const waitForScreen = (
    session: string,
    text: string | RegExp,
    timeoutMs?: number,
  ): Promise<string> =>
    waitUntil(
      async () => {
        const shown = await screen(session);
        const found = typeof text === "string" ? shown.includes(text) : text.test(shown);
        return found ? shown : undefined;
      },
      async () => `"${text}" never appeared:\n${await screen(session)}`,
      timeoutMs,
    );
  return {
    socket,
    screen,
    waitForScreen,
    /**
     * Start the CLI in a pane of `columns` × `rows`, in the workspace's environment (minus CI
     * and NO_COLOR, so that it draws its screens). The pane prints `exit=<code>` when it ends.
     */
    async start(
      session: string,
      ws: Workspace,
      args: readonly string[],
      options: {
        readonly columns: number;
        readonly rows: number;
        readonly env?: Readonly<Record<string, string>>;
        /** Signal this tmux channel when the CLI exits. */
        readonly channel?: string;
      },
    ): Promise<void> {
      const env = { ...ws.env, TERM: "xterm-256color" } as Record<string, string | undefined>;
      delete env.CI;
      delete env.NO_COLOR;
      Object.assign(env, options.env ?? {});
      const assignments = Object.entries(env)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([key, value]) => `${key}=${shellQuote(value)}`)
        .join(" ");
      const signal = options.channel ? `tmux -L ${socket} wait-for -S ${options.channel}; ` : "";
      const command = `cd ${shellQuote(ws.cwd)} && env -i ${assignments} ${shellQuote(process.execPath)} ${shellQuote(CLI_MAIN)} ${args.map(shellQuote).join(" ")}; echo "exit=$?"; ${signal}sleep 600`;
      await tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        String(options.columns),
        "-y",
        String(options.rows),
        command,
      );
    },
    /** Press keys (tmux key names: `Enter`, `Escape`, `Down`, `C-c`, or text). */
    async keys(session: string, ...keys: readonly string[]): Promise<void> {
      for (const key of keys) await tmux("send-keys", "-t", session, key);
    },
    /** Type text literally. */
    async type(session: string, text: string): Promise<void> {
      await tmux("send-keys", "-t", session, "-l", text);
    },
    async resize(session: string, columns: number, rows: number): Promise<void> {
      await tmux("resize-window", "-t", session, "-x", String(columns), "-y", String(rows));
    },
    /** Wait for a channel the pane signals when the CLI exits. */
    async waitFor(channel: string): Promise<void> {
      await tmux("wait-for", channel);
    },
    /** Wait until the CLI has exited, and return its exit code with the screen. */
    async waitForExit(session: string): Promise<{ code: number; screen: string }> {
      const shown = await waitForScreen(session, /exit=\d+/);
      return { code: Number(/exit=(\d+)/.exec(shown)?.[1]), screen: shown };
    },
    async kill(): Promise<void> {
      if (hasTmux) await tmux("kill-server").catch(() => undefined);
    },
  };
}
