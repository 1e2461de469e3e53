import { spawn } from "node:child_process";
import { CancelledError } from "@dg/core";
import type { ByteStream } from "@dg/core";

/** How a piped child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The first few KiB of stderr. */
  readonly stderr: string;
}

export interface PipeProcessOptions {
  readonly signal?: AbortSignal;
  /** Called when the binary cannot be started (ENOENT, EACCES): return the error to throw. */
  readonly onSpawnError: (error: NodeJS.ErrnoException) => Error;
  /** Called on a non-zero exit: return the error to throw. */
  readonly onFailure: (exit: ProcessExit) => Error;
}

const STDERR_LIMIT = 8192;

/**
 * Run `binary args`, write `input` to its stdin and yield its stdout as it comes. The child
 * is killed when the consumer stops early, when `input` fails, or when the signal aborts.
 * Throws what `onFailure` returns when the child exits non-zero.
 *
 * @example
 * ```ts
 * for await (const chunk of pipeProcess("gzip", ["-c"], input, { onSpawnError, onFailure })) {}
 * ```
 */
export async function* pipeProcess(
  binary: string,
  args: readonly string[],
  input: ByteStream,
  options: PipeProcessOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) throw new CancelledError("Operation cancelled", { cause: signal.reason });
  const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += text.slice(0, STDERR_LIMIT - stderr.length);
  });
  // Registered at once so an early exit is never missed.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, sig) => resolve({ code, signal: sig }));
  });
  let spawnError: NodeJS.ErrnoException | undefined;
  const spawned = new Promise<void>((resolve) => {
    child.once("spawn", () => resolve());
    child.once("error", (error: NodeJS.ErrnoException) => {
      spawnError ??= error;
      resolve();
    });
  });
  // A child that exits without reading all of stdin makes writes fail with EPIPE: the exit
  // code tells the real story, so stdin errors are only remembered.
  child.stdin.on("error", () => {});

  let inputError: unknown;
  let aborted = false;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  const pump = (async (): Promise<void> => {
    await spawned;
    if (spawnError !== undefined) return;
    try {
      for await (const chunk of input) {
        if (aborted || child.stdin.destroyed) break;
        if (!child.stdin.write(chunk)) await drainOrClose(child.stdin);
      }
    } catch (error) {
      inputError = error;
      kill();
    } finally {
      child.stdin.end();
    }
  })();

  let finished = false;
  try {
    await spawned;
    if (spawnError !== undefined) throw options.onSpawnError(spawnError);
    for await (const chunk of child.stdout) {
      if (aborted) break;
      yield chunk as Uint8Array;
    }
    await pump;
    const exit = await exited;
    if (aborted) throw new CancelledError("Operation cancelled", { cause: signal?.reason });
    if (inputError !== undefined) throw inputError;
    if (exit.code !== 0) throw options.onFailure({ ...exit, stderr });
    finished = true;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!finished) {
      kill();
      // An aborted input may never settle: wait for the child only, the pump stops by itself
      // once stdin is closed.
      if (spawnError === undefined) await exited;
    }
  }
}

/** Wait until `stream` drains or closes, leaving no listener behind. */
function drainOrClose(
  stream: NodeJS.WritableStream & { readonly destroyed: boolean },
): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) {
      resolve();
      return;
    }
    const done = (): void => {
      stream.removeListener("drain", done);
      stream.removeListener("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

/** The first non-empty line of a process's stderr, for error messages. */
export function firstLine(text: string): string {
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed !== "") return trimmed;
  }
  return "";
}
