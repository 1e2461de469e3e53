import type { CompressionEstimate } from "@dg/sdk";
import type { MigrationResult } from "../../lib/migration-summary.js";
import type { MigrationSummary } from "../MigrateConfirm.js";
import type { TransferReporter } from "../reporter.js";

/**
 * A migration under way, as the dashboard steers it: the SDK's migration controls, and its
 * result once no file runs any more.
 */
export interface MigrationRun {
  /** No new file starts; running ones go on. */
  pause(): void;
  resume(): void;
  /** No new file starts; running ones finish, then the run ends. */
  stop(): void;
  /** Running files are cancelled (nothing is left half-written), then the run ends. */
  abort(): void;
  readonly result: Promise<MigrationResult>;
}

/**
 * What the migration screens show and start, as data and promises: the plan, a projection of
 * the savings, and the run itself. The screens never touch S3; the command builds this from the
 * SDK (`sdk-source.ts`: `client.migrate`), tests pass fakes.
 */
export interface MigrationSource {
  readonly summary: MigrationSummary;
  /** Projected savings measured on samples, as `analyze` does (nothing written). */
  estimate(options: {
    readonly signal: AbortSignal;
    readonly onFolder: (foldersMeasured: number) => void;
  }): Promise<CompressionEstimate>;
  /**
   * Start copying the files, reporting each to `reporter`; an aborted `signal` aborts the run.
   */
  run(options: {
    readonly reporter: Omit<TransferReporter, "close">;
    readonly signal: AbortSignal;
  }): MigrationRun;
}
