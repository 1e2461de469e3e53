import type { Logger, LogLevel } from "@dg/sdk";
import type { OutputStream } from "./io.js";

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** `DG_LOG_LEVEL` as a level, or `undefined` when unset or not one of the four. */
export function logLevelFrom(value: string | undefined): LogLevel | undefined {
  const lower = value?.trim().toLowerCase();
  return lower === "debug" || lower === "info" || lower === "warn" || lower === "error"
    ? lower
    : undefined;
}

/**
 * The SDK's logger for the CLI: `deltaglider <level>: <message> key=value…` on stderr, at or
 * above `level`, with secrets masked like everything else the CLI prints.
 *
 * @example
 * ```ts
 * const logger = createCliLogger(process.stderr, "warn", (t) => t);
 * logger.log("warn", "slow response", { ms: 900 });
 * ```
 */
export function createCliLogger(
  stderr: OutputStream,
  level: LogLevel,
  redact: (text: string) => string,
): Logger {
  const threshold = RANK[level];
  return {
    log(entryLevel, message, fields) {
      if (RANK[entryLevel] < threshold) return;
      const extra = Object.entries(fields ?? {})
        .map(
          ([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
        )
        .join("");
      stderr.write(`${redact(`deltaglider ${entryLevel}: ${message}${extra}`)}\n`);
    },
  };
}
