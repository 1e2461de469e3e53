import type { ObjectStore } from "@dg/core";
import { EXIT, UsageError } from "../lib/errors.js";
import { listAllObjects } from "../lib/listing.js";
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
      const keys: string[] = [];
      for await (const object of listAllObjects(client, uri.bucket, "", {
        originalSizes: false,
        signal: ctx.signal,
      })) {
        keys.push(object.Key);
      }
      for (let at = 0; at < keys.length; at += 1000) {
        const batch = keys.slice(at, at + 1000);
        await client.deleteObjects(
          { Bucket: uri.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } },
          { signal: ctx.signal },
        );
        for (const key of batch) ctx.out.line(`delete: s3://${uri.bucket}/${key}`);
      }
      await removeLeftovers(ctx.client().store, uri.bucket, ctx.signal);
    }
    await client.deleteBucket({ Bucket: uri.bucket }, { signal: ctx.signal });
    ctx.out.line(`remove_bucket: ${uri.bucket}`);
    return EXIT.ok;
  },
});

/** Remove stored objects no logical delete reaches (`.deltaglider/` cache, orphans). */
async function removeLeftovers(
  store: ObjectStore,
  bucket: string,
  signal: AbortSignal,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await store.listObjects(bucket, {
      signal,
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    if (page.objects.length > 0) {
      const keys = page.objects.map((object) => object.key);
      const result = await store.deleteObjects(bucket, keys, { signal });
      const first = result.errors[0];
      if (first) throw first.error;
    }
    token = page.nextContinuationToken;
  } while (token !== undefined);
}
