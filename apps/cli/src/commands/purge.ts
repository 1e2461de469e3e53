import { EXIT } from "../lib/errors.js";
import { parseBucketArg } from "../lib/locations.js";
import { SET_ASIDE_PREFIX, TEMP_PREFIX } from "@dg/sdk/common";
import { dryRunJson, dryRunText, purgeJson, purgeText } from "../lib/purge-report.js";
import { defineCommand } from "./define.js";

/**
 * `deltaglider purge`: delete the expired rehydrated files the Python tool's SDK leaves in
 * `.deltaglider/tmp/`, and references a crashed delete left set aside once nothing needs them.
 */
export const purgeCommand = defineCommand({
  command: "purge <bucket>",
  describe: `Delete expired temporary files (${TEMP_PREFIX}) and unneeded set-aside references`,
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
      .option("json", {
        type: "boolean",
        describe: "Print the result as JSON (the Python tool's fields)",
      })
      .epilogue(
        `A temporary file goes once its dg-expires-at metadata lies in the past (read as UTC when it has no offset). A reference in ${SET_ASIDE_PREFIX} goes only when it is over an hour old and every delta that names its SHA-256 finds that reference in its own folder again. The stats cache and every other object are never touched. Exit 1 when a deletion failed.`,
      )
      .example([
        ["$0 purge releases --dry-run", "See what would be deleted"],
        ["$0 purge s3://releases --json", "Delete, and print the figures as JSON"],
      ]),
  async run(ctx, args) {
    const { bucket } = parseBucketArg(args.bucket);
    const started = Date.now();
    const result = await ctx.client().purgeTempFiles(bucket, {
      dryRun: args.dryRun === true,
      signal: ctx.signal,
    });
    const scan = result.tempFiles;
    for (const key of scan.undated) {
      ctx.out.debug(`left alone (no readable dg-expires-at): s3://${bucket}/${key}`);
    }
    if (args.dryRun) {
      if (args.json)
        ctx.out.line(JSON.stringify(dryRunJson(bucket, scan, result.setAside), null, 2));
      else for (const line of dryRunText(scan, result.setAside)) ctx.out.line(line);
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
    if (args.json) ctx.out.line(JSON.stringify(purgeJson(outcome), null, 2));
    else for (const line of purgeText(outcome)) ctx.out.line(line);
    return outcome.errors.length > 0 ? EXIT.failed : EXIT.ok;
  },
});
