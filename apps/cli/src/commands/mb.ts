import { EXIT, UsageError } from "../lib/errors.js";
import { parseBucketArg } from "../lib/locations.js";
import { defineCommand } from "./define.js";

/** `deltaglider mb`: create a bucket, like `aws s3 mb`. */
export const mbCommand = defineCommand({
  command: "mb <bucket>",
  describe: "Create a bucket",
  builder: (yargs) =>
    yargs
      .positional("bucket", {
        type: "string",
        demandOption: true,
        describe: "s3://bucket or bucket",
      })
      .example([["$0 mb s3://releases", "Create the bucket releases"]]),
  async run(ctx, args) {
    const uri = parseBucketArg(args.bucket);
    if (uri.key !== "") {
      throw new UsageError(`mb takes a bucket, not a key: ${args.bucket}`, {
        hint: `Write s3://${uri.bucket}; folders need no creating.`,
      });
    }
    const region = ctx.globals.region;
    await ctx.client().createBucket(
      {
        Bucket: uri.bucket,
        ...(region && region !== "us-east-1"
          ? { CreateBucketConfiguration: { LocationConstraint: region } }
          : {}),
      },
      { signal: ctx.signal },
    );
    ctx.out.line(`make_bucket: ${uri.bucket}`);
    return EXIT.ok;
  },
});
