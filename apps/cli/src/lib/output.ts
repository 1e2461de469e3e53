import { createColors, type Colors } from "./colors.js";
import type { OutputStream } from "./io.js";

/** Where commands print: results on stdout, problems and diagnostics on stderr. */
export interface Output {
  readonly colors: Colors;
  /** A result line on stdout (suppressed by nothing: commands decide about `--quiet`). */
  line(text: string): void;
  /** A problem on stderr, as is. */
  error(text: string): void;
  /** `deltaglider: warning: <text>` on stderr. */
  warn(text: string): void;
  /** A diagnostic on stderr, only with `--debug`. */
  debug(text: string): void;
}

export interface OutputOptions {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly color: boolean;
  readonly debug: boolean;
  /** Masks secrets in everything written to stderr. */
  readonly redact: (text: string) => string;
}

/**
 * Create the line-oriented output of a command.
 *
 * @example
 * ```ts
 * const out = createOutput({ stdout: process.stdout, stderr: process.stderr, color: false,
 *   debug: false, redact: (t) => t });
 * out.line("upload: ./a.zip to s3://b/a.zip");
 * ```
 */
export function createOutput(options: OutputOptions): Output {
  const { stdout, stderr, redact } = options;
  return {
    colors: createColors(options.color),
    line: (text) => {
      stdout.write(`${text}\n`);
    },
    error: (text) => {
      stderr.write(`${redact(text)}\n`);
    },
    warn: (text) => {
      stderr.write(`${redact(`deltaglider: warning: ${text}`)}\n`);
    },
    debug: (text) => {
      if (options.debug) stderr.write(`${redact(`deltaglider: debug: ${text}`)}\n`);
    },
  };
}
