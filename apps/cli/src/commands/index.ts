import type { CliCommand } from "./define.js";

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [];
