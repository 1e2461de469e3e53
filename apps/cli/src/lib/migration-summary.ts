import type { MigrationResult as SdkMigrationResult } from "@dg/sdk";
import { directCount, directCountsText } from "./direct-reason.js";
import { humanSize, oneDecimal } from "./format.js";

/** What a migration did, for its summary lines and screen (the SDK's result, failures aside). */
export type MigrationResult = Pick<
  SdkMigrationResult,
  "migrated" | "skipped" | "failed" | "notStarted" | "stopped" | "originalBytes" | "storedBytes"
> &
  Partial<Pick<SdkMigrationResult, "direct">>;

/**
 * The summary of a migration, as printed at its end (and shown on its summary screen):
 * `Migration summary: N migrated, M already there, F failed`, the savings, the files stored
 * whole and why, and for a stopped run how to resume.
 *
 * @example
 * ```ts
 * migrationSummaryLines({ migrated: 3, skipped: 0, failed: 0, notStarted: 0, stopped: false,
 *   originalBytes: 600_000, storedBytes: 12_000 });
 * // ["Migration summary: 3 migrated, 0 already there, 0 failed",
 * //  "Stored 585.9 KiB as 11.7 KiB (98.0% saved)"]
 * ```
 */
export function migrationSummaryLines(result: MigrationResult): string[] {
  const lines = [
    `Migration summary: ${result.migrated} migrated, ${result.skipped} already there, ${result.failed} failed`,
  ];
  if (result.originalBytes > 0) {
    const saved = ((result.originalBytes - result.storedBytes) / result.originalBytes) * 100;
    lines.push(
      `Stored ${humanSize(result.originalBytes)} as ${humanSize(result.storedBytes)} (${oneDecimal(saved)}% saved)`,
    );
  }
  const whole = directCount(result.direct ?? {});
  if (whole > 0) {
    lines.push(
      `Stored whole: ${whole} file${whole === 1 ? "" : "s"} (${directCountsText(result.direct ?? {})})`,
    );
  }
  if (result.stopped) {
    lines.push(
      `Stopped before ${result.notStarted} file${result.notStarted === 1 ? "" : "s"}: run the same command again to resume (files already there are skipped).`,
    );
  }
  return lines;
}
