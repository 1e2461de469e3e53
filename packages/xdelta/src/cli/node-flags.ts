import { spawn } from "node:child_process";

/**
 * V8 flags `dg-xdelta` must run with, from the first instruction.
 *
 * `--no-concurrent-recompilation`: under Node 20 a process could hang at exit. When the event
 * loop empties, Node's platform waits on the main thread for every V8 background task to
 * finish (`NodePlatform::DrainTasks`) without telling V8 the main thread is parked. A TurboFan
 * job still compiling on a worker thread that needs a garbage collection to allocate then
 * waits for the main thread to run it, and the main thread waits for the job: a deadlock with
 * every thread idle. It is likeliest right after the decoder made functions hot and then
 * failed on a damaged delta, when the heap's first limits are still small. With this flag
 * TurboFan compiles on the main thread, so no such job exists. V8 reads it only at start-up
 * (`v8.setFlagsFromString` is too late, and `NODE_OPTIONS` refuses it), hence the bin's
 * shebang passes it, and {@link relaunchWithNodeFlags} covers `node main.js`.
 */
export const REQUIRED_NODE_FLAGS: readonly string[] = ["--no-concurrent-recompilation"];

/** Set in the relaunched child, so a runtime that drops the flags cannot relaunch forever. */
const RELAUNCHED = "DG_XDELTA_RELAUNCHED";

/**
 * The flags of {@link REQUIRED_NODE_FLAGS} missing from `execArgv`; empty when this process
 * can run the command itself (or is already the relaunched child).
 *
 * @example
 * ```ts
 * missingNodeFlags(process.execArgv, process.env); // [] under the bin's shebang
 * ```
 */
export function missingNodeFlags(
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (env[RELAUNCHED] === "1") return [];
  return REQUIRED_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Run this script again in a child `node` with `flags` added, stdio shared, and end this
 * process the way the child ended (its exit status, or the same signal). Signals sent to this
 * process are passed on to the child.
 *
 * @example
 * ```ts
 * const missing = missingNodeFlags(process.execArgv, process.env);
 * if (missing.length > 0) await relaunchWithNodeFlags(missing);
 * ```
 */
export function relaunchWithNodeFlags(flags: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, [RELAUNCHED]: "1" },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = (status: number, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      for (const name of FORWARDED_SIGNALS) process.off(name, forward);
      if (signal !== null) {
        process.kill(process.pid, signal);
      } else {
        process.exitCode = status;
      }
      resolve();
    };
    child.once("error", (error) => {
      process.stderr.write(`dg-xdelta: could not start ${process.execPath}: ${error.message}\n`);
      finish(1, null);
    });
    child.once("exit", (code, signal) => finish(code ?? 1, signal));
  });
}
