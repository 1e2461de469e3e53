import { humanSize, oneDecimal } from "./format.js";

/** What a migration did, for its summary lines and screen. */
export interface MigrationResult {
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  /** Files never started because the run was stopped. */
  readonly notStarted: number;
  readonly stopped: boolean;
  /** Original and stored bytes of the files migrated. */
  readonly originalBytes: number;
  readonly storedBytes: number;
}

/**
 * The summary of a migration, as printed at its end (and shown on its summary screen):
 * `Migration summary: N migrated, M already there, F failed`, the savings, and for a stopped
 * run how to resume.
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
  if (result.stopped) {
    lines.push(
      `Stopped before ${result.notStarted} file${result.notStarted === 1 ? "" : "s"}: run the same command again to resume (files already there are skipped).`,
    );
  }
  return lines;
}
