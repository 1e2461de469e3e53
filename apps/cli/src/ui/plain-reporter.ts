import type { Output } from "../lib/output.js";
import type { TransferReporter } from "./reporter.js";

/**
 * A reporter that prints one line per finished transfer and nothing else: for pipes, CI logs,
 * `--no-progress`.
 *
 * @example
 * ```ts
 * const reporter = createPlainReporter(ctx.out, { quiet: false });
 * reporter.finish(1, "upload: ./a.zip to s3://b/a.zip");
 * ```
 */
export function createPlainReporter(
  out: Output,
  options: { readonly quiet: boolean },
): TransferReporter {
  return {
    plan() {},
    start() {},
    advance() {},
    finish(_id, line) {
      if (line !== undefined && !options.quiet) out.line(line);
    },
    fail(_id, lines) {
      for (const line of lines) out.error(line);
    },
    note(line) {
      if (!options.quiet) out.line(line);
    },
    async close() {},
  };
}
