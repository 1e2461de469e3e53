import { hasCode, type S3Uri } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import { EXIT, UsageError } from "../lib/errors.js";
import { deleteJob } from "../lib/jobs.js";
import { s3Text } from "../lib/listing.js";
import { parseS3Arg } from "../lib/locations.js";
import { failureLine, transferLine } from "../lib/transfer-lines.js";
import { runTransfers } from "../lib/transfers.js";
import { createPlainReporter } from "../ui/plain-reporter.js";
import { defineCommand } from "./define.js";
import { filterFrom, withFilterOptions } from "./options.js";

/** `deltaglider rm`: delete objects; references go once nothing needs them. */
export const rmCommand = defineCommand({
  command: "rm <path>",
  describe: "Delete an object, or everything under a prefix with --recursive",
  builder: (yargs) =>
    withFilterOptions(
      yargs
        .positional("path", { type: "string", demandOption: true, describe: "s3://bucket/key" })
        .option("recursive", {
          alias: "r",
          type: "boolean",
          describe: "Delete every object under the prefix",
        })
        .option("dryrun", { type: "boolean", describe: "Show what would be deleted" })
        .option("quiet", { alias: "q", type: "boolean", describe: "Print only errors" }),
    ).example([
      ["$0 rm s3://releases/app/app-1.0.zip", "Delete one object"],
      ["$0 rm -r s3://releases/old/ --exclude '*.sig'", "Delete a folder but its signatures"],
    ]),
  async run(ctx, args) {
    const uri = parseS3Arg(args.path);
    const quiet = args.quiet === true;
    const dryrun = args.dryrun === true;
    const client = ctx.client();
    if (args.recursive) {
      const filter = filterFrom(ctx, args);
      const failed = await deleteRecursive(ctx, uri, {
        quiet,
        dryrun,
        includes: (relative) => filter.includes(relative),
      });
      return failed > 0 ? EXIT.failed : EXIT.ok;
    }
    if (uri.key === "" || uri.key.endsWith("/")) {
      throw new UsageError(`${args.path} names a folder, not an object`, {
        hint: "Add --recursive (-r) to delete everything under a prefix.",
      });
    }
    if (!dryrun) {
      const head = await client
        .headObject({ Bucket: uri.bucket, Key: uri.key }, { signal: ctx.signal })
        .catch((error: unknown) => {
          if (hasCode(error, "NOT_FOUND")) return undefined;
          throw error;
        });
      // Deleting nothing succeeds, as in S3 and aws s3 rm; say so on stderr.
      if (head === undefined)
        ctx.out.warn(`nothing is stored under ${s3Text(uri.bucket, uri.key)}`);
    }
    const reporter = createPlainReporter(ctx.out, { quiet });
    const jobs = [deleteJob(client, uri.bucket, uri.key)];
    const { failed } = await runTransfers(ctx, jobs, { concurrency: 1, dryrun, reporter });
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

/**
 * `rm -r`: the SDK's recursive delete (references go with their folder's last delta, unused
 * ones under the prefix too), printing `delete: s3://…` per key as each request completes
 * (unless quiet) and `delete failed: …` on stderr. Returns the number of failures.
 */
async function deleteRecursive(
  ctx: CliContext,
  uri: S3Uri,
  options: {
    readonly quiet: boolean;
    readonly dryrun: boolean;
    readonly includes: (relativeKey: string) => boolean;
  },
): Promise<number> {
  const print = (keys: readonly string[], dryrun: boolean) => {
    if (options.quiet) return;
    for (const key of keys) {
      ctx.out.line(transferLine("delete", s3Text(uri.bucket, key), undefined, { dryrun }));
    }
  };
  const result = await ctx.client().deleteObjectsRecursive(uri, {
    filter: options.includes,
    dryRun: options.dryrun,
    signal: ctx.signal,
    onBatch: (batch) => {
      print(batch.deleted, false);
      for (const { key, error } of batch.errors) {
        ctx.out.error(failureLine("delete", s3Text(uri.bucket, key), undefined, error.message));
      }
    },
  });
  if (result.dryRun) print(result.deleted, true);
  return result.errors.length;
}
