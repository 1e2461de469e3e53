import type { BucketStats, StatsMode } from "@dg/sdk";
import { EXIT, UsageError } from "../lib/errors.js";
import { boundHeapGrowth } from "../lib/heap.js";
import { parseBucketArg } from "../lib/locations.js";
import { formatStatsText } from "../lib/stats-text.js";
import type { CliContext } from "../context.js";
import { defineCommand } from "./define.js";

/** `deltaglider stats`: storage figures and savings of a bucket or prefix, cached in it. */
export const statsCommand = defineCommand({
  command: "stats <path>",
  describe: "Show how much a bucket or prefix stores and saves, per deltaspace",
  builder: (yargs) =>
    yargs
      .positional("path", {
        type: "string",
        demandOption: true,
        describe: "bucket, s3://bucket or s3://bucket/prefix/",
      })
      .option("sampled", {
        type: "boolean",
        describe: "Read the original size of up to 8 deltas per folder and extrapolate (faster)",
      })
      .option("detailed", {
        type: "boolean",
        describe: "Read every delta and reference, and count broken deltas (slowest, exact)",
      })
      .option("json", { type: "boolean", describe: "Print the figures as JSON" })
      .option("refresh", {
        type: "boolean",
        describe: "Recompute even when the cached result is still valid (and store the new one)",
      })
      .option("no-cache", {
        type: "boolean",
        describe:
          "Neither read nor write the stats cache in .deltaglider/ of the bucket (the object-facts index is still used; DG_OBJECT_INDEX=false turns it off)",
      })
      .option("no-progress", { type: "boolean", describe: "Plain text, no dashboard" })
      .option("no-interactive", {
        type: "boolean",
        describe:
          "Draw the figures once instead of opening the interactive screen (also DG_NO_INTERACTIVE=true)",
      })
      .epilog(STATS_KEYS_HELP)
      .example([
        ["$0 stats releases", "Figures of the bucket releases"],
        ["$0 stats s3://releases/app/ --detailed --json", "Exact figures of a prefix, as JSON"],
      ]),
  async run(ctx, args) {
    boundHeapGrowth();
    if (args.sampled && args.detailed) {
      throw new UsageError("--sampled and --detailed cannot be used together", {
        hint: "Pick one: --sampled is faster, --detailed is exact.",
      });
    }
    if (args.refresh && args.noCache) {
      throw new UsageError("--refresh and --no-cache cannot be used together", {
        hint: "--refresh recomputes and stores the result; --no-cache neither reads nor stores it.",
      });
    }
    const uri = parseBucketArg(args.path);
    const mode: StatsMode = args.sampled ? "sampled" : args.detailed ? "detailed" : "quick";
    const dashboard = ctx.terminal.interactive && !args.noProgress && !args.json;
    if (dashboard && ctx.terminal.canPrompt && !args.noInteractive) {
      await exploreStats(ctx, uri.bucket, uri.key, mode, {
        read: !args.refresh && !args.noCache,
        write: !args.noCache,
      });
      return EXIT.ok;
    }
    const progress = dashboard
      ? (await import("../ui/render.js")).renderStatsProgress(ctx, `s3://${uri.bucket}/${uri.key}`)
      : undefined;
    let result: StatsResult;
    try {
      result = await bucketStats(
        ctx,
        ctx.signal,
        uri.bucket,
        uri.key,
        mode,
        { read: !args.refresh && !args.noCache, write: !args.noCache },
        (phase, objects) => progress?.update(phase, objects),
      );
    } finally {
      await progress?.close();
    }
    if (args.json) {
      ctx.out.line(
        JSON.stringify(
          { ...result.stats, cached: result.cached, computedAt: result.computedAt },
          null,
          2,
        ),
      );
    } else if (dashboard) {
      const { renderStatsDashboard } = await import("../ui/render.js");
      await renderStatsDashboard(ctx, result.stats, result);
    } else {
      for (const line of formatStatsText(result.stats, result)) ctx.out.line(line);
    }
    return EXIT.ok;
  },
});

/** What `--help` says about the interactive screen's keys. */
const STATS_KEYS_HELP =
  "In a terminal, stats opens an interactive screen (not with --json, --no-progress or --no-interactive, nor in pipes or CI). Keys: ↑/↓ (j/k) move, PgUp/PgDn page, Enter opens a deltaspace (its files in version order, how each is stored, a chart of delta sizes), s/z/o/a/n sort by savings, stored size, objects, reference age, name, / filters, v verifies, d downloads, x deletes (after a confirmation), r recomputes, ? shows the keys, q/Esc goes back or quits. On quitting, the figures stay on screen.";

/**
 * The interactive screen: the figures load inside it (with a live count), `r` recomputes
 * them; once the user quits, the last figures are drawn once on the normal screen.
 */
async function exploreStats(
  ctx: CliContext,
  bucket: string,
  prefix: string,
  mode: StatsMode,
  cache: { readonly read: boolean; readonly write: boolean },
): Promise<void> {
  const [{ renderStatsExplorer }, { createSdkStatsSource }, { renderStatsDashboard }] =
    await Promise.all([
      import("../ui/explorer/render.js"),
      import("../ui/explorer/sdk-source.js"),
      import("../ui/render.js"),
    ]);
  const source = createSdkStatsSource(ctx, {
    bucket,
    prefix,
    async loadStats({ refresh, signal, onProgress }) {
      const result = await bucketStats(
        ctx,
        signal,
        bucket,
        prefix,
        mode,
        { read: cache.read && !refresh, write: cache.write },
        onProgress,
      );
      return {
        stats: result.stats,
        provenance: { cached: result.cached, computedAt: result.computedAt },
      };
    },
  });
  const last = await renderStatsExplorer(ctx, source);
  if (last.stats && last.provenance) await renderStatsDashboard(ctx, last.stats, last.provenance);
}

interface StatsResult {
  readonly stats: BucketStats;
  readonly cached: boolean;
  readonly computedAt: string;
}

async function bucketStats(
  ctx: CliContext,
  signal: AbortSignal,
  bucket: string,
  prefix: string,
  mode: StatsMode,
  cache: { readonly read: boolean; readonly write: boolean },
  onProgress: (phase: "listing" | "computing", objects: number) => void,
): Promise<StatsResult> {
  const client = ctx.client();
  const started = performance.now();
  if (!cache.read && !cache.write) {
    const stats = await client.getBucketStats(bucket, {
      mode,
      prefix,
      signal,
      onListProgress: (seen) => onProgress("computing", seen),
    });
    return { stats, cached: false, computedAt: new Date().toISOString() };
  }
  // A hit costs the listing and one GET of the cache document, read while the listing runs.
  const result = await client.getCachedBucketStats(bucket, {
    mode,
    prefix,
    refresh: !cache.read,
    signal,
    onProgress,
  });
  const ms = Math.round(performance.now() - started);
  ctx.out.debug(result.cached ? `stats cache hit in ${ms} ms` : `stats computed in ${ms} ms`);
  if (result.cacheWriteError !== undefined) {
    // A read-only bucket still gets its figures.
    ctx.out.debug(`could not store the stats cache: ${result.cacheWriteError}`);
  }
  return { stats: result.stats, cached: result.cached, computedAt: result.computedAt };
}
