import { EXIT, UsageError } from "../lib/errors.js";
import { parseBucketArg } from "../lib/locations.js";
import { defineCommand } from "./define.js";

/** `deltaglider rb`: remove a bucket, like `aws s3 rb`. */
export const rbCommand = defineCommand({
  command: "rb <bucket>",
  describe: "Remove an empty bucket (--force deletes its objects first)",
  builder: (yargs) =>
    yargs
      .positional("bucket", {
        type: "string",
        demandOption: true,
        describe: "s3://bucket or bucket",
      })
      .option("force", {
        type: "boolean",
        describe: "Delete every object in the bucket first, deltaglider's own files included",
      })
      .example([["$0 rb s3://scratch --force", "Empty and remove a bucket"]]),
  async run(ctx, args) {
    const uri = parseBucketArg(args.bucket);
    if (uri.key !== "") {
      throw new UsageError(`rb takes a bucket, not a key: ${args.bucket}`, {
        hint: `Write s3://${uri.bucket}, or use rm --recursive for a prefix.`,
      });
    }
    const client = ctx.client();
    if (args.force) {
      // Logical deletes first (they keep references consistent), then whatever is left raw.
      await client.emptyBucket(uri.bucket, {
        signal: ctx.signal,
        onDeleted: (keys) => {
          for (const key of keys) ctx.out.line(`delete: s3://${uri.bucket}/${key}`);
        },
      });
    }
    await client.deleteBucket({ Bucket: uri.bucket }, { signal: ctx.signal });
    ctx.out.line(`remove_bucket: ${uri.bucket}`);
    return EXIT.ok;
  },
});
