import type { FactsIndexUpkeepResult } from "@dg/sdk";
import type { CliContext } from "../context.js";
import { EXIT, UsageError } from "../lib/errors.js";
import { parseBucketArg } from "../lib/locations.js";
import { SET_ASIDE_PREFIX, TEMP_PREFIX, UPLOAD_MARKER_PREFIX } from "@dg/sdk/common";
import { parseAge, singleFlag } from "../lib/flag-values.js";
import {
  dryRunJson,
  dryRunText,
  purgeJson,
  purgeText,
  uploadsJson,
  uploadsText,
} from "../lib/purge-report.js";
import { defineCommand } from "./define.js";

/**
 * `deltaglider purge`: delete the expired rehydrated files the Python tool's SDK leaves in
 * `.deltaglider/tmp/`, references a crashed delete left set aside once nothing needs them, and
 * deltaglider's multipart uploads a killed process left unfinished.
 */
export const purgeCommand = defineCommand({
  command: "purge <bucket>",
  describe: `Delete expired temporary files (${TEMP_PREFIX}), unneeded set-aside references and abandoned multipart uploads`,
  builder: (yargs) =>
    yargs
      .positional("bucket", {
        type: "string",
        demandOption: true,
        describe: "bucket, s3://bucket or s3://bucket/any/prefix (the prefix is ignored)",
      })
      .option("dry-run", {
        alias: "dryrun",
        type: "boolean",
        describe: "Show what would be deleted (count, size, the first 10 files) and delete nothing",
      })
      .option("older-than", {
        type: "string",
        default: "24h",
        describe:
          "Abort deltaglider's unfinished multipart uploads started longer ago than this (30m, 24h, 7d; 0 for all)",
      })
      .option("json", {
        type: "boolean",
        describe: "Print the result as JSON (the Python tool's fields)",
      })
      .option("rebuild-index", {
        type: "boolean",
        describe:
          "Also rebuild the object-facts index (.deltaglider/facts/): drop it, then read every delta's and reference's metadata once (one HEAD each) and write it again",
      })
      .option("drop-index", {
        type: "boolean",
        describe:
          "Also delete the object-facts index (.deltaglider/facts/); listings read metadata until uploads and listings fill it again",
      })
      .epilogue(
        `A temporary file goes once its dg-expires-at metadata lies in the past (read as UTC when it has no offset). A reference in ${SET_ASIDE_PREFIX} goes only when it is over an hour old and every delta that names its SHA-256 finds that reference in its own folder again. Multipart uploads: every upload deltaglider starts is marked (${UPLOAD_MARKER_PREFIX}<upload id>, removed when it completes), so purge aborts only its own uploads left unfinished by a killed process, once they are older than --older-than; other tools' uploads are counted and left alone. The stats cache and every other object are never touched, and the object-facts index only with --rebuild-index or --drop-index. Exit 1 when a deletion or an abort failed.`,
      )
      .example([
        ["$0 purge releases --dry-run", "See what would be deleted"],
        ["$0 purge s3://releases --json", "Delete, and print the figures as JSON"],
      ]),
  async run(ctx, args) {
    const { bucket } = parseBucketArg(args.bucket);
    if (args.rebuildIndex === true && args.dropIndex === true) {
      throw new UsageError("--rebuild-index and --drop-index cannot be used together", {
        hint: "--rebuild-index drops the index before it writes it again.",
      });
    }
    const olderThan = singleFlag("--older-than", args.olderThan) ?? "24h";
    const olderThanMs = parseAge("--older-than", olderThan);
    const started = Date.now();
    const result = await ctx.client().purgeTempFiles(bucket, {
      dryRun: args.dryRun === true,
      olderThanMs,
      signal: ctx.signal,
    });
    const scan = result.tempFiles;
    for (const key of scan.undated) {
      ctx.out.debug(`left alone (no readable dg-expires-at): s3://${bucket}/${key}`);
    }
    const index = await indexUpkeep(ctx, bucket, args);
    if (args.dryRun) {
      if (args.json) {
        const json = {
          ...dryRunJson(bucket, scan, result.setAside),
          ...uploadsJson(result),
          ...indexJson(index),
        };
        ctx.out.line(JSON.stringify(json, null, 2));
      } else {
        for (const line of dryRunText(scan, result.setAside)) ctx.out.line(line);
        for (const line of uploadsText(result, olderThan)) ctx.out.line(line);
        for (const line of indexText(index, true)) ctx.out.line(line);
      }
      return EXIT.ok;
    }
    const outcome = {
      bucket,
      scan,
      deleted: result.deleted,
      freedBytes: result.freedBytes,
      errors: result.errors,
      durationSeconds: (Date.now() - started) / 1000,
      setAside: result.setAside,
      setAsideDeleted: result.setAsideDeleted,
    };
    if (args.json) {
      const json = { ...purgeJson(outcome), ...uploadsJson(result), ...indexJson(index) };
      ctx.out.line(JSON.stringify(json, null, 2));
    } else {
      for (const line of purgeText(outcome)) ctx.out.line(line);
      for (const line of uploadsText(result, olderThan)) ctx.out.line(line);
      for (const line of indexText(index, false)) ctx.out.line(line);
    }
    const indexFailed = (index?.result.failed.length ?? 0) > 0;
    return outcome.errors.length > 0 || indexFailed ? EXIT.failed : EXIT.ok;
  },
});

interface IndexUpkeep {
  readonly action: "rebuilt" | "dropped";
  readonly result: FactsIndexUpkeepResult;
}

async function indexUpkeep(
  ctx: CliContext,
  bucket: string,
  args: {
    readonly rebuildIndex?: boolean | undefined;
    readonly dropIndex?: boolean | undefined;
    readonly dryRun?: boolean | undefined;
  },
): Promise<IndexUpkeep | undefined> {
  const options = { dryRun: args.dryRun === true, signal: ctx.signal };
  if (args.rebuildIndex === true) {
    return { action: "rebuilt", result: await ctx.client().rebuildObjectIndex(bucket, options) };
  }
  if (args.dropIndex === true) {
    return { action: "dropped", result: await ctx.client().dropObjectIndex(bucket, options) };
  }
  return undefined;
}

function indexJson(index: IndexUpkeep | undefined) {
  if (index === undefined) return {};
  return {
    object_index: {
      action: index.action,
      documents_deleted: index.result.documentsDeleted,
      objects_indexed: index.result.objectsIndexed,
      failed: index.result.failed,
    },
  };
}

function indexText(index: IndexUpkeep | undefined, dryRun: boolean): string[] {
  if (index === undefined) return [];
  const { documentsDeleted, objectsIndexed, failed } = index.result;
  const prefix = dryRun ? "Would have " : "";
  const lines =
    index.action === "rebuilt"
      ? [
          `${dryRun ? "Would rebuild" : "Rebuilt"} the object index: ${objectsIndexed} deltas and references (${documentsDeleted} old documents ${dryRun ? "to drop" : "dropped"})`,
        ]
      : [
          `${prefix}${dryRun ? "dropped" : "Dropped"} the object index: ${documentsDeleted} documents`,
        ];
  for (const key of failed) lines.push(`Could not delete ${key}`);
  return lines;
}
