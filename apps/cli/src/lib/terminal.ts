import type { CliIo } from "./io.js";

/** What the CLI may do with the terminal it runs in. */
export interface TerminalInfo {
  /** stdout is a terminal and we are not in CI: Ink screens and progress may be drawn. */
  readonly interactive: boolean;
  /** stdin and stdout are terminals: a question can be asked and answered. */
  readonly canPrompt: boolean;
  /** ANSI colours allowed (`NO_COLOR` unset, or `FORCE_COLOR` set). */
  readonly color: boolean;
  readonly columns: number;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/**
 * Decide how to talk to the terminal: Ink only on a TTY outside CI, prompts only when stdin
 * is a TTY too, colour unless `NO_COLOR` (https://no-color.org) is set.
 *
 * @example
 * ```ts
 * const info = detectTerminal(io);
 * if (!info.interactive) io.stdout.write("plain line\n");
 * ```
 */
export function detectTerminal(io: CliIo): TerminalInfo {
  const tty = io.stdout.isTTY === true;
  const ci = truthy(io.env.CI);
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  const forceColor = truthy(io.env.FORCE_COLOR);
  const dumb = io.env.TERM === "dumb";
  return {
    interactive: tty && !ci && !dumb,
    canPrompt: tty && io.stdin.isTTY === true && !ci,
    color: forceColor || (tty && !noColor && !dumb),
    columns: io.stdout.columns ?? 80,
  };
}
