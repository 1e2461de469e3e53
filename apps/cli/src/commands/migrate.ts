import { CancelledError, formatShard, type S3Uri, type ShardSelector } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import { detectEc2Placement, regionReport } from "../lib/ec2-region.js";
import { EXIT, UsageError } from "../lib/errors.js";
import type { PathFilter } from "../lib/filters.js";
import { humanSize } from "../lib/format.js";
import { copyJob } from "../lib/jobs.js";
import { listAllObjects, s3Text } from "../lib/listing.js";
import { migrationSummaryLines } from "../lib/migration-summary.js";
import { asFolderPrefix, parseLocation } from "../lib/locations.js";
import { runPool } from "../lib/pool.js";
import { sameContent } from "../lib/same-content.js";
import { runTransfers, type TransferJob } from "../lib/transfers.js";
import type { MigrationSummary } from "../ui/MigrateConfirm.js";
import { createReporter } from "../ui/reporters.js";
import { defineCommand } from "./define.js";
import {
  filterFrom,
  type TransferSettings,
  transferSettings,
  shardFrom,
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
    const plan = await planMigration(
      ctx,
      source.uri.bucket,
      sourcePrefix,
      target,
      filter,
      shard,
      settings,
    );
    const summary: MigrationSummary = {
      source: from,
      destination: to,
      files: plan.jobs.length,
      bytes: plan.bytes,
      skipped: plan.skipped,
      regionLines,
      preview: plan.jobs.slice(0, 5).map((job) => job.source.slice(from.length)),
    };
    const interactive =
      !settings.dryrun &&
      !settings.quiet &&
      settings.progress &&
      ctx.terminal.interactive &&
      ctx.terminal.canPrompt &&
      args.noInteractive !== true &&
      plan.jobs.length > 0;
    if (!settings.quiet && (!interactive || args.yes === true)) {
      for (const line of summaryLines(summary)) ctx.out.line(line);
    }
    if (!settings.quiet && shard !== undefined) {
      ctx.out.line(
        `Shard ${formatShard(shard.shard)}: ${plan.jobs.length + plan.skipped} of ${plan.inAllShards} files`,
      );
    }
    if (plan.jobs.length === 0) {
      if (!settings.quiet) ctx.out.line("Nothing to migrate: every file is already there.");
      return EXIT.ok;
    }
    if (interactive) {
      return migrateOnScreen(ctx, summary, plan, {
        source: { bucket: source.uri.bucket, key: sourcePrefix },
        concurrency: settings.concurrency,
        confirm: args.yes !== true,
      });
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
    let result: { succeeded: number; failed: number };
    const stored = { original: 0, stored: 0 };
    try {
      result = await runTransfers(
        ctx,
        plan.jobs.map((job) => tally(job, stored)),
        { ...settings, reporter },
      );
    } finally {
      await reporter.close();
    }
    if (!settings.dryrun && !settings.quiet) {
      const lines = migrationSummaryLines({
        migrated: result.succeeded,
        skipped: plan.skipped,
        failed: result.failed,
        notStarted: 0,
        stopped: false,
        originalBytes: stored.original,
        storedBytes: stored.stored,
      });
      for (const line of lines) ctx.out.line(line);
    }
    return result.failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

/** What `--help` says about the interactive screens' keys. */
const MIGRATE_KEYS_HELP =
  "In a terminal, migrate shows its plan with the savings projected from a sample (y migrates, n/Enter/Esc cancels), then a live dashboard: p pauses and resumes (no new file starts, running ones finish), q stops once the running files finish (q again, or ctrl-c, stops now; nothing is left half-written and a rerun resumes), then a summary. Not with --dry-run, --quiet, --no-progress or --no-interactive, nor in pipes or CI.";

/** The interactive path: plan screen, dashboard, summary screen. */
async function migrateOnScreen(
  ctx: CliContext,
  summary: MigrationSummary,
  plan: MigrationPlan,
  options: { readonly source: S3Uri; readonly concurrency: number; readonly confirm: boolean },
): Promise<number> {
  const [{ renderMigration }, { createSdkMigrationSource }] = await Promise.all([
    import("../ui/migration/render.js"),
    import("../ui/migration/sdk-source.js"),
  ]);
  const source = createSdkMigrationSource(ctx, {
    summary,
    source: options.source,
    jobs: plan.jobs,
    skipped: plan.skipped,
    concurrency: options.concurrency,
  });
  const { answer, result } = await renderMigration(ctx, source, { confirm: options.confirm });
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

/** Count what each finished copy stored, for the final savings line. */
function tally(job: TransferJob, totals: { original: number; stored: number }): TransferJob {
  return {
    ...job,
    async run(options) {
      const outcome = await job.run(options);
      if (outcome?.stored) {
        totals.original += outcome.stored.originalBytes;
        totals.stored += outcome.stored.storedBytes;
      }
      return outcome;
    },
  };
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

interface MigrationPlan {
  readonly jobs: readonly TransferJob[];
  readonly bytes: number;
  readonly skipped: number;
  /** Files the filter takes, in every shard. */
  readonly inAllShards: number;
}

async function planMigration(
  ctx: CliContext,
  sourceBucket: string,
  sourcePrefix: string,
  target: S3Uri,
  filter: PathFilter,
  shard: ShardSelector | undefined,
  settings: TransferSettings,
): Promise<MigrationPlan> {
  const client = ctx.client();
  const existing = new Map<string, number>();
  for await (const object of listAllObjects(client, target.bucket, target.key, {
    originalSizes: true,
    signal: ctx.signal,
  })) {
    const relative = object.Key.slice(target.key.length);
    if (shard === undefined || shard.includes(relative)) existing.set(relative, object.Size);
  }
  const candidates: { relative: string; key: string; size: number }[] = [];
  let inAllShards = 0;
  for await (const object of listAllObjects(client, sourceBucket, sourcePrefix, {
    originalSizes: true,
    signal: ctx.signal,
  })) {
    const relative = object.Key.slice(sourcePrefix.length);
    if (relative === "" || relative.endsWith("/") || !filter.includes(relative)) continue;
    inAllShards += 1;
    // Each shard takes its own files by their source-relative key, with no other coordination.
    if (shard !== undefined && !shard.includes(relative)) continue;
    candidates.push({ relative, key: object.Key, size: object.Size });
  }
  // Resume: a file already at the destination with the same content is skipped.
  const skip = new Set<string>();
  await runPool(
    candidates.filter((c) => existing.get(c.relative) === c.size),
    settings.concurrency,
    async (candidate) => {
      const same = await sameContent(
        client,
        { bucket: sourceBucket, key: candidate.key },
        { bucket: target.bucket, key: `${target.key}${candidate.relative}` },
        ctx.signal,
      ).catch(() => false);
      if (same) skip.add(candidate.relative);
    },
    ctx.signal,
  );
  const todo = candidates.filter((c) => !skip.has(c.relative));
  return {
    jobs: todo.map((c) =>
      copyJob(
        client,
        { bucket: sourceBucket, key: c.key, size: c.size },
        { bucket: target.bucket, key: `${target.key}${c.relative}` },
        settings,
      ),
    ),
    bytes: todo.reduce((sum, c) => sum + c.size, 0),
    skipped: skip.size,
    inAllShards,
  };
}
