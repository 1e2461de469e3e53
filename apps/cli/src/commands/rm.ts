import { NotFoundError } from "@dg/core";
import type { CliContext } from "../context.js";
import { EXIT, UsageError } from "../lib/errors.js";
import { deleteJob } from "../lib/jobs.js";
import { listAllObjects, s3Text } from "../lib/listing.js";
import { asFolderPrefix, parseS3Arg } from "../lib/locations.js";
import { failureLine, transferLine } from "../lib/transfer-lines.js";
import { runTransfers, type TransferJob } from "../lib/transfers.js";
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
    const reporter = createPlainReporter(ctx.out, { quiet });
    let jobs: TransferJob[];
    if (args.recursive) {
      const prefix = asFolderPrefix(uri.key);
      const filter = filterFrom(ctx, args);
      const keys: string[] = [];
      const listing = listAllObjects(client, uri.bucket, prefix, {
        originalSizes: false,
        signal: ctx.signal,
      });
      for await (const object of listing) {
        if (filter.includes(object.Key.slice(prefix.length))) keys.push(object.Key);
      }
      if (dryrun) {
        jobs = keys.map((key) => deleteJob(client, uri.bucket, key));
      } else {
        return deleteInBatches(ctx, uri.bucket, keys, quiet);
      }
    } else {
      if (uri.key === "" || uri.key.endsWith("/")) {
        throw new UsageError(`${args.path} names a folder, not an object`, {
          hint: "Add --recursive (-r) to delete everything under a prefix.",
        });
      }
      if (dryrun) {
        jobs = [deleteJob(client, uri.bucket, uri.key)];
      } else {
        const head = await client
          .headObject({ Bucket: uri.bucket, Key: uri.key }, { signal: ctx.signal })
          .catch((error: unknown) => {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          });
        if (head === undefined) {
          // Deleting nothing succeeds, as in S3 and aws s3 rm; say so on stderr.
          ctx.out.warn(`nothing is stored under ${s3Text(uri.bucket, uri.key)}`);
        }
        jobs = [deleteJob(client, uri.bucket, uri.key)];
      }
    }
    const { failed } = await runTransfers(ctx, jobs, { concurrency: 1, dryrun, reporter });
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

/**
 * Delete keys with multi-object deletes of up to 1,000, one batch after the other, so that
 * each deltaspace's reference is removed exactly when its last delta goes (parallel single
 * deletes could each see the other's delta and keep an orphaned reference).
 */
async function deleteInBatches(
  ctx: CliContext,
  bucket: string,
  keys: readonly string[],
  quiet: boolean,
): Promise<number> {
  let failed = 0;
  for (let at = 0; at < keys.length; at += 1000) {
    const batch = keys.slice(at, at + 1000);
    const result = await ctx
      .client()
      .deleteObjects(
        { Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })) } },
        { signal: ctx.signal },
      );
    const errors = new Map(result.Errors.map((e) => [e.Key, e]));
    for (const key of batch) {
      const error = errors.get(key);
      if (error) {
        failed += 1;
        ctx.out.error(failureLine("delete", s3Text(bucket, key), undefined, error.Message));
      } else if (!quiet) {
        ctx.out.line(transferLine("delete", s3Text(bucket, key), undefined));
      }
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
