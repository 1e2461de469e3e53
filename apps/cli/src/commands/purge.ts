import { EXIT } from "../lib/errors.js";
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
      .epilogue(
        `A temporary file goes once its dg-expires-at metadata lies in the past (read as UTC when it has no offset). A reference in ${SET_ASIDE_PREFIX} goes only when it is over an hour old and every delta that names its SHA-256 finds that reference in its own folder again. Multipart uploads: every upload deltaglider starts is marked (${UPLOAD_MARKER_PREFIX}<upload id>, removed when it completes), so purge aborts only its own uploads left unfinished by a killed process, once they are older than --older-than; other tools' uploads are counted and left alone. The stats cache and every other object are never touched. Exit 1 when a deletion or an abort failed.`,
      )
      .example([
        ["$0 purge releases --dry-run", "See what would be deleted"],
        ["$0 purge s3://releases --json", "Delete, and print the figures as JSON"],
      ]),
  async run(ctx, args) {
    const { bucket } = parseBucketArg(args.bucket);
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
    if (args.dryRun) {
      if (args.json) {
        const json = { ...dryRunJson(bucket, scan, result.setAside), ...uploadsJson(result) };
        ctx.out.line(JSON.stringify(json, null, 2));
      } else {
        for (const line of dryRunText(scan, result.setAside)) ctx.out.line(line);
        for (const line of uploadsText(result, olderThan)) ctx.out.line(line);
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
      ctx.out.line(JSON.stringify({ ...purgeJson(outcome), ...uploadsJson(result) }, null, 2));
    } else {
      for (const line of purgeText(outcome)) ctx.out.line(line);
      for (const line of uploadsText(result, olderThan)) ctx.out.line(line);
    }
    return outcome.errors.length > 0 ? EXIT.failed : EXIT.ok;
  },
});
