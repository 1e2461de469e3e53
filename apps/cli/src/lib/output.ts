import { createColors, type Colors } from "./colors.js";
import { byteSinkOf, type OutputStream } from "./io.js";

/** Where commands print: results on stdout, problems and diagnostics on stderr. */
export interface Output {
  readonly colors: Colors;
  /** A result line on stdout (suppressed by nothing: commands decide about `--quiet`). */
  line(text: string): void;
  /**
   * Resolves once stdout has taken what was written, when a write found its buffer full (at
   * once otherwise, or on a stream that is not a byte stream): a command that prints a long
   * listing waits here, so a slow reader of its output slows it down instead of memory
   * filling up. Also resolves when stdout fails or `signal` is aborted.
   */
  drained(signal?: AbortSignal): Promise<void>;
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
  /** Whether a write to stdout found its buffer full since it last drained. */
  let full = false;
  return {
    colors: createColors(options.color),
    line: (text) => {
      if (!stdout.write(`${text}\n`)) full = true;
    },
    drained: (signal) => {
      const sink = byteSinkOf(stdout);
      if (!full || sink === undefined || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          sink.off("drain", done);
          sink.off("error", done);
          signal?.removeEventListener("abort", done);
          full = false;
          resolve();
        };
        sink.on("drain", done);
        sink.on("error", done);
        signal?.addEventListener("abort", done, { once: true });
      });
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
