import { spawn } from "node:child_process";

/** How a child process ended. */
export interface ChildRun {
  /** Exit status, or `null` when it ended by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when it was still running after `timeoutMs` and was killed. */
  readonly timedOut: boolean;
}

export interface RunChildOptions {
  /** Kill the child (and every process it started) after this long; a hang, not a duration check. */
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Run `command` with `args` in its own process group, collect its output as text, and kill the
 * whole group with SIGKILL if it has not ended after `timeoutMs` (`timedOut: true`). For tests
 * that must tell "failed" from "never ended", e.g. a decoder run on a damaged delta.
 *
 * @example
 * ```ts
 * const run = await runChild(process.execPath, [main, "-d", "-s", src, delta], { timeoutMs: 30_000 });
 * expect(run.timedOut).toBe(false);
 * ```
 */
export function runChild(
  command: string,
  args: readonly string[],
  options: RunChildOptions,
): Promise<ChildRun> {
  const child = spawn(command, [...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  let timedOut = false;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  return new Promise<ChildRun>((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (status, signal) => {
      clearTimeout(timer);
      // A child that ended normally may have left processes of its own behind.
      killGroup();
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
}
