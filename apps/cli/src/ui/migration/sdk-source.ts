import type { S3Uri } from "@dg/sdk/common";
import type { CliContext } from "../../context.js";
import { isCancellation } from "../../lib/errors.js";
import type { MigrationResult } from "../../lib/migration-summary.js";
import { runTransfers, type TransferJob } from "../../lib/transfers.js";
import type { MigrationSummary } from "../MigrateConfirm.js";
import type { MigrationSource } from "./source.js";

/** Counts of a run, kept as each job ends (a stopped run returns no summary of its own). */
interface Counts {
  migrated: number;
  failed: number;
  originalBytes: number;
  storedBytes: number;
}

function counted(job: TransferJob, counts: Counts): TransferJob {
  return {
    ...job,
    async run(options) {
      try {
        const outcome = await job.run(options);
        counts.migrated += 1;
        counts.originalBytes += outcome?.stored?.originalBytes ?? 0;
        counts.storedBytes += outcome?.stored?.storedBytes ?? 0;
        return outcome;
      } catch (error) {
        if (!options.signal.aborted && !isCancellation(error)) counts.failed += 1;
        throw error;
      }
    },
  };
}

/**
 * The migration screens' source on the SDK client and the command's planned copy jobs: the one
 * place where those screens meet S3.
 *
 * @example
 * ```ts
 * const source = createSdkMigrationSource(ctx, {
 *   summary, source: { bucket: "a", key: "x/" }, jobs, skipped: 0, concurrency: 4,
 * });
 * ```
 */
export function createSdkMigrationSource(
  ctx: CliContext,
  options: {
    readonly summary: MigrationSummary;
    /** The bucket and prefix the files come from, sampled for the projection. */
    readonly source: S3Uri;
    readonly jobs: readonly TransferJob[];
    readonly skipped: number;
    readonly concurrency: number;
  },
): MigrationSource {
  return {
    summary: options.summary,
    async estimate({ signal, onFolder }) {
      let folders = 0;
      return ctx.client().estimateCompression(options.source, {
        signal,
        onFolder: () => onFolder(++folders),
      });
    },
    async run({ reporter, gate, signal }): Promise<MigrationResult> {
      const counts: Counts = { migrated: 0, failed: 0, originalBytes: 0, storedBytes: 0 };
      let stopped = false;
      try {
        await runTransfers(
          { ...ctx, signal },
          options.jobs.map((job) => counted(job, counts)),
          {
            concurrency: options.concurrency,
            dryrun: false,
            reporter: { ...reporter, close: async () => {} },
            gate,
          },
        );
      } catch (error) {
        if (!signal.aborted && !isCancellation(error)) throw error;
        stopped = true;
      }
      return {
        ...counts,
        skipped: options.skipped,
        notStarted: options.jobs.length - counts.migrated - counts.failed,
        stopped,
      };
    },
  };
}
