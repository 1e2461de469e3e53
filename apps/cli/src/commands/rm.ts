import { hasCode } from "@dg/sdk/common";
import { EXIT, UsageError } from "../lib/errors.js";
import { deleteJob } from "../lib/jobs.js";
import { listAllObjects, s3Text } from "../lib/listing.js";
import { asFolderPrefix, parseS3Arg } from "../lib/locations.js";
import { deleteKeys } from "../lib/batch-delete.js";
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
      const failed = await deleteKeys(ctx, uri.bucket, keys, { quiet, dryrun });
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
