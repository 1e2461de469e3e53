import { isDgError } from "@dg/sdk/common";

/**
 * A mistake on the command line (unknown flag, malformed URI, conflicting flags): exit code 2,
 * like a usage error of `aws s3`.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly hint: string | undefined;
  constructor(message: string, options: { readonly hint?: string; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** Exit codes: 0 success, 1 a transfer or check failed, 2 usage error, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Whether an error was caused by cancellation (Ctrl-C, an aborted signal). */
export function isCancellation(error: unknown): boolean {
  if (isDgError(error)) return error.code === "CANCELLED";
  return error instanceof Error && error.name === "AbortError";
}

/** The exit code a thrown error ends the process with. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (isCancellation(error)) return EXIT.interrupted;
  return EXIT.failed;
}

/** Whether the user can fix the error (print message + hint) rather than a bug (print stack). */
export function isUserFixable(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  return isDgError(error) && error.userFixable;
}

/**
 * Options of the SDK that hints of the packages underneath name, and the flags that set them
 * on the command line: a CLI hint names flags, never SDK options.
 */
const SDK_TO_CLI: ReadonlyArray<readonly [RegExp, string]> = [
  [/\brecoverExternalCompression(: true)?/g, "--recover-external-compression"],
];

/**
 * The error's hint as the command line says it (SDK option names become CLI flags), or
 * `undefined` when it has none.
 *
 * @example
 * ```ts
 * hintOf(error); // "Pass --recover-external-compression to rebuild an equivalent …"
 * ```
 */
export function hintOf(error: unknown): string | undefined {
  const hint = error instanceof UsageError || isDgError(error) ? error.hint : undefined;
  if (!hint) return undefined;
  return SDK_TO_CLI.reduce((text, [term, flag]) => text.replace(term, flag), hint);
}

const BUG_HINT =
  "This looks like a bug in deltaglider. Rerun with --debug to see the stack trace, and report it.";

/**
 * Format an error for stderr: `deltaglider: error: <message>` and `  hint: <hint>`; the stack
 * (and causes) only in debug mode.
 *
 * @example
 * ```ts
 * formatError(new UsageError("bad", { hint: "fix it" }), { debug: false });
 * // ["deltaglider: error: bad", "  hint: fix it"]
 * ```
 */
export function formatError(error: unknown, options: { readonly debug: boolean }): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`deltaglider: error: ${oneLine(message)}`];
  const hint = hintOf(error);
  if (hint) lines.push(`  hint: ${oneLine(hint)}`);
  if (!isUserFixable(error) && !options.debug) lines.push(`  hint: ${BUG_HINT}`);
  if (options.debug) lines.push(...stackLines(error));
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** The stack of an error and of its causes, for `--debug`. */
export function stackLines(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (current instanceof Error) {
      lines.push(...(current.stack ?? `${current.name}: ${current.message}`).split("\n"));
      current = current.cause;
      if (current !== undefined) lines.push("Caused by:");
    } else {
      lines.push(String(current));
      current = undefined;
    }
  }
  return lines;
}
