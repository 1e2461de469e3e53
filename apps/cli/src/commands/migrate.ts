import type { MigrateOptions, MigrationPlan, MigrationResult } from "@dg/sdk";
import { CancelledError, formatShard, type S3Uri } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import { detectEc2Placement, regionReport } from "../lib/ec2-region.js";
import { EXIT, UsageError } from "../lib/errors.js";
import { humanSize } from "../lib/format.js";
import { s3Text } from "../lib/listing.js";
import { dryRunLines, reportMigration } from "../lib/migration-events.js";
import { migrationSummaryLines } from "../lib/migration-summary.js";
import { asFolderPrefix, parseLocation } from "../lib/locations.js";
import type { MigrationSummary } from "../ui/MigrateConfirm.js";
import { createReporter } from "../ui/reporters.js";
import { defineCommand } from "./define.js";
import {
  filterFrom,
  shardFrom,
  transferSettings,
  withFilterOptions,
  withShardOptions,
  withTransferOptions,
} from "./options.js";

/**
 * Where a migration writes: the destination prefix, plus (by default) the last folder of the
 * source prefix, so `migrate s3://a/x/y/ s3://b/z/` writes under `z/y/`.
 *
 * @example
 * ```ts
 * effectiveDestinationPrefix("x/y/", "z/", true); // "z/y/"
 * ```
 */
export function effectiveDestinationPrefix(
  sourcePrefix: string,
  destinationPrefix: string,
  preservePrefix: boolean,
): string {
  const parts = sourcePrefix.split("/").filter(Boolean);
  const last = parts.at(-1);
  return preservePrefix && last !== undefined ? `${destinationPrefix}${last}/` : destinationPrefix;
}

/** `deltaglider migrate`: copy a plain (or deltaglider) prefix into delta storage. */
export const migrateCommand = defineCommand({
  command: "migrate <source> <destination>",
  describe: "Copy every file of an S3 prefix into deltaglider storage, resuming where it stopped",
  builder: (yargs) =>
    withShardOptions(
      withTransferOptions(
        withFilterOptions(
          yargs
            .positional("source", {
              type: "string",
              demandOption: true,
              describe: "s3://bucket/prefix/ to read (plain S3 or deltaglider)",
            })
            .positional("destination", {
              type: "string",
              demandOption: true,
              describe: "s3://bucket/prefix/ to write, with delta compression",
            })
            .option("yes", { alias: "y", type: "boolean", describe: "Do not ask for confirmation" })
            .option("dry-run", {
              type: "boolean",
              describe: "Show what would be migrated and stop (same as --dryrun)",
            })
            .option("no-preserve-prefix", {
              type: "boolean",
              describe:
                "Write straight under the destination prefix instead of under <destination>/<last folder of the source>/",
            })
            .option("no-interactive", {
              type: "boolean",
              describe:
                "Ask with a plain question and show a plain progress screen instead of the interactive plan and dashboard (also DG_NO_INTERACTIVE=true)",
            }),
        ),
      ),
    )
      .epilog(MIGRATE_KEYS_HELP)
      .example([
        [
          "$0 migrate s3://legacy/releases/ s3://compact/ --yes",
          "Writes under s3://compact/releases/",
        ],
        ["$0 migrate s3://legacy/releases/ s3://compact/ --dry-run", "Show the plan"],
        [
          "$0 migrate s3://legacy/releases/ s3://compact/ --yes --shard 2/8",
          "The third of eight processes that split one migration",
        ],
      ]),
  async run(ctx, args) {
    const source = parseLocation(args.source);
    const destination = parseLocation(args.destination);
    if (source.kind !== "s3" || destination.kind !== "s3") {
      throw new UsageError("Both the source and the destination of migrate must be S3 URIs", {
        hint: "Use cp or sync for local files.",
      });
    }
    const settings = transferSettings({ ...args, dryrun: args.dryrun || args.dryRun });
    const filter = filterFrom(ctx, args);
    const shard = shardFrom(ctx, args);
    const sourcePrefix = asFolderPrefix(source.uri.key);
    const target: S3Uri = {
      bucket: destination.uri.bucket,
      key: effectiveDestinationPrefix(
        sourcePrefix,
        asFolderPrefix(destination.uri.key),
        args.noPreservePrefix !== true,
      ),
    };
    const from = s3Text(source.uri.bucket, sourcePrefix);
    const to = s3Text(target.bucket, target.key);
    if (source.uri.bucket === target.bucket && (to.startsWith(from) || from.startsWith(to))) {
      throw new UsageError(`The source ${from} and the destination ${to} overlap`, {
        hint: "Migrate into another bucket or a prefix outside the source.",
      });
    }
    const regionLines = await checkRegions(ctx, settings.quiet);
    const client = ctx.client();
    // The plan (what is there, what a previous run already copied) is the SDK's.
    const plan = await client.planMigration(
      { bucket: source.uri.bucket, key: sourcePrefix },
      target,
      {
        filter: (relative) => filter.includes(relative),
        ...(shard === undefined ? {} : { shard: shard.shard }),
        concurrency: settings.concurrency,
        signal: ctx.signal,
      },
    );
    const summary: MigrationSummary = {
      source: from,
      destination: to,
      files: plan.files.length,
      bytes: plan.bytes,
      skipped: plan.skipped,
      regionLines,
      preview: plan.files.slice(0, 5).map((file) => file.key),
    };
    const interactive =
      !settings.dryrun &&
      !settings.quiet &&
      settings.progress &&
      ctx.terminal.interactive &&
      ctx.terminal.canPrompt &&
      args.noInteractive !== true &&
      plan.files.length > 0;
    if (!settings.quiet && (!interactive || args.yes === true)) {
      for (const line of summaryLines(summary)) ctx.out.line(line);
    }
    if (!settings.quiet && shard !== undefined) {
      ctx.out.line(
        `Shard ${formatShard(shard.shard)}: ${plan.files.length + plan.skipped} of ${plan.inAllShards ?? 0} files`,
      );
    }
    if (plan.files.length === 0) {
      if (!settings.quiet) ctx.out.line("Nothing to migrate: every file is already there.");
      return EXIT.ok;
    }
    const runOptions: MigrateOptions = {
      concurrency: settings.concurrency,
      delta: settings.delta,
      ...(settings.maxRatio === undefined ? {} : { maxRatio: settings.maxRatio }),
      ...(settings.newReferenceRatio === undefined
        ? {}
        : { newReferenceRatio: settings.newReferenceRatio }),
    };
    if (interactive) {
      return migrateOnScreen(ctx, summary, plan, runOptions, args.yes !== true);
    }
    if (!settings.dryrun && args.yes !== true) {
      if (!ctx.terminal.canPrompt || !settings.progress) {
        throw new UsageError(
          "migrate asks for confirmation, but there is no terminal to answer it",
          {
            hint: "Pass --yes to migrate without asking (or --dry-run to see the plan).",
          },
        );
      }
      const { renderMigrateConfirm } = await import("../ui/render.js");
      const answer = await renderMigrateConfirm(ctx, summary);
      if (answer === "interrupt") throw new CancelledError("Interrupted at the confirmation");
      if (answer === "no") {
        ctx.out.line("Migration cancelled.");
        return EXIT.ok;
      }
    }
    const reporter = await createReporter(ctx, { ...settings, title: `Migrating ${from} → ${to}` });
    let result: MigrationResult;
    try {
      if (settings.dryrun) {
        for (const [id, line] of dryRunLines(plan.files).entries()) reporter.finish(id, line);
        return EXIT.ok;
      }
      result = await reportMigration(
        ctx,
        client.migrate(plan, { ...runOptions, signal: ctx.signal }),
        reporter,
      );
    } finally {
      await reporter.close();
    }
    // Ctrl-C: the running files were cancelled (nothing half-written); exit as interrupted.
    if (ctx.signal.aborted) throw new CancelledError("Interrupted during the migration");
    if (!settings.quiet) {
      for (const line of migrationSummaryLines(result)) ctx.out.line(line);
    }
    return result.failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

/** What `--help` says about the interactive screens' keys. */
const MIGRATE_KEYS_HELP =
  "In a terminal, migrate shows its plan with the savings projected from a sample (y migrates, n/Enter/Esc cancels), then a live dashboard (files stored whole are counted by why: file type, empty, --max-ratio, --no-delta): p pauses and resumes (no new file starts, running ones finish), q stops once the running files finish (q again, or ctrl-c, stops now; nothing is left half-written, the exit code is 130, and a rerun resumes), then a summary. Not with --dry-run, --quiet, --no-progress or --no-interactive, nor in pipes or CI.";

/** The interactive path: plan screen, dashboard, summary screen. */
async function migrateOnScreen(
  ctx: CliContext,
  summary: MigrationSummary,
  plan: MigrationPlan,
  options: MigrateOptions,
  confirm: boolean,
): Promise<number> {
  const [{ renderMigration }, { createSdkMigrationSource }] = await Promise.all([
    import("../ui/migration/render.js"),
    import("../ui/migration/sdk-source.js"),
  ]);
  const source = createSdkMigrationSource(ctx, { summary, plan, options });
  const { answer, result } = await renderMigration(ctx, source, { confirm });
  if (answer === "interrupt") throw new CancelledError("Interrupted at the confirmation");
  if (answer === "no" || result === undefined) {
    ctx.out.line("Migration cancelled.");
    return EXIT.ok;
  }
  if (result.stopped) return EXIT.interrupted;
  return result.failed > 0 ? EXIT.failed : EXIT.ok;
}

function summaryLines(summary: MigrationSummary): string[] {
  return [
    ...summary.regionLines,
    `Migrating ${summary.source} to ${summary.destination}`,
    `Files to migrate: ${summary.files} (${humanSize(summary.bytes)})`,
    ...(summary.skipped > 0 ? [`Already migrated: ${summary.skipped} files (skipped)`] : []),
  ];
}

async function checkRegions(ctx: CliContext, quiet: boolean): Promise<string[]> {
  const endpoint = ctx.globals.endpointUrl ?? ctx.io.env.DG_ENDPOINT_URL ?? "";
  // A local-directory store has no region; quiet runs skip the probe as the Python tool did.
  if (quiet || endpoint.toLowerCase().startsWith("file:")) return [];
  const placement = await detectEc2Placement({ env: ctx.io.env, signal: ctx.signal });
  const clientRegion =
    ctx.globals.region ?? ctx.io.env.AWS_REGION ?? ctx.io.env.AWS_DEFAULT_REGION ?? "us-east-1";
  if (placement === undefined) ctx.out.debug("not on EC2 (or detection disabled)");
  return [...regionReport(placement, clientRegion, ctx.globals.region !== undefined).lines];
}
