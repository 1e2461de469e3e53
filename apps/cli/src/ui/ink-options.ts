import type { CliContext } from "../context.js";

/** Ink render options shared by every screen: our streams, our Ctrl-C handling. */
export function inkOptions(ctx: CliContext) {
  return {
    stdout: ctx.io.stdout as NodeJS.WriteStream,
    stderr: ctx.io.stderr as NodeJS.WriteStream,
    stdin: ctx.io.stdin as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  };
}

/** Switch to the terminal's alternate screen (a full-screen program's own page) and back. */
export const ALTERNATE_SCREEN = { enter: "\u001B[?1049h\u001B[H", leave: "\u001B[?1049l" } as const;
