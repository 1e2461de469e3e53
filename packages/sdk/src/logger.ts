import type { Logger, LogLevel } from "@dg/core";

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A logger that writes one line per entry at or above `level` to `write` (default: stderr),
 * `deltaglider <level>: <message> key=value…`.
 *
 * @example
 * ```ts
 * const logger = createStderrLogger("info");
 * logger.log("info", "reference created", { key: "app/reference.bin" });
 * ```
 */
export function createStderrLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
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
      write(`deltaglider ${entryLevel}: ${message}${extra}\n`);
    },
  };
}
