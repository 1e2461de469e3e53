import type { CompressionEstimate } from "@dg/sdk";
import type { MigrationResult } from "../../lib/migration-summary.js";
import type { TransferGate } from "../../lib/transfer-gate.js";
import type { MigrationSummary } from "../MigrateConfirm.js";
import type { TransferReporter } from "../reporter.js";

/**
 * What the migration screens show and start, as data and promises: the plan, a projection of
 * the savings, and the run itself. The screens never touch S3; the command builds this from the
 * SDK (`sdk-source.ts`), tests pass fakes.
 */
export interface MigrationSource {
  readonly summary: MigrationSummary;
  /** Projected savings measured on samples, as `analyze` does (nothing written). */
  estimate(options: {
    readonly signal: AbortSignal;
    readonly onFolder: (foldersMeasured: number) => void;
  }): Promise<CompressionEstimate>;
  /**
   * Copy the files, reporting each to `reporter`. No file starts while `gate` holds them back;
   * a stopped gate or an aborted signal ends the run (files running when the signal aborts are
   * cancelled, leaving nothing half-written), and it resolves with what was done.
   */
  run(options: {
    readonly reporter: Omit<TransferReporter, "close">;
    readonly gate: TransferGate;
    readonly signal: AbortSignal;
  }): Promise<MigrationResult>;
}
