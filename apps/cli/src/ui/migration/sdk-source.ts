import type { MigrateOptions, MigrationPlan } from "@dg/sdk";
import type { CliContext } from "../../context.js";
import { reportMigration } from "../../lib/migration-events.js";
import type { MigrationSummary } from "../MigrateConfirm.js";
import type { MigrationSource } from "./source.js";

/**
 * The migration screens' source on the SDK: the projection is `estimateCompression`, the run
 * is `client.migrate` (its events drive the dashboard, its controls are the dashboard's keys).
 * The one place where those screens meet S3.
 *
 * @example
 * ```ts
 * const plan = await ctx.client().planMigration("s3://a/x/", "s3://b/x/");
 * const source = createSdkMigrationSource(ctx, { summary, plan, options: { concurrency: 4 } });
 * ```
 */
export function createSdkMigrationSource(
  ctx: CliContext,
  options: {
    readonly summary: MigrationSummary;
    readonly plan: MigrationPlan;
    readonly options: MigrateOptions;
  },
): MigrationSource {
  return {
    summary: options.summary,
    async estimate({ signal, onFolder }) {
      let folders = 0;
      return ctx.client().estimateCompression(options.plan.source, {
        signal,
        onFolder: () => onFolder(++folders),
      });
    },
    run({ reporter, signal }) {
      const migration = ctx.client().migrate(options.plan, { ...options.options, signal });
      return {
        pause: () => migration.pause(),
        resume: () => migration.resume(),
        stop: () => migration.stop(),
        abort: () => migration.abort(),
        result: reportMigration(ctx, migration, reporter, { everyReason: true }),
      };
    },
  };
}
