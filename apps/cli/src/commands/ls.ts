import type { CliContext } from "../context.js";
import { EXIT } from "../lib/errors.js";
import { boundHeapGrowth } from "../lib/heap.js";
import {
  formatBucketLine,
  formatObjectLine,
  formatPrefixLine,
  formatSummary,
} from "../lib/format.js";
import { listAllObjects, listPages } from "../lib/listing.js";
import { parseS3Arg } from "../lib/locations.js";
import { defineCommand } from "./define.js";

/** `deltaglider ls`: buckets, or objects with their original sizes, like `aws s3 ls`. */
export const lsCommand = defineCommand({
  command: "ls [path]",
  describe: "List buckets, or the objects and folders under an S3 prefix (original sizes)",
  builder: (yargs) =>
    yargs
      .positional("path", {
        type: "string",
        describe: "s3://bucket/prefix; none lists the buckets",
      })
      .option("recursive", {
        alias: "r",
        type: "boolean",
        describe: "List every object under the prefix, with full keys, instead of one level",
      })
      .option("human-readable", {
        alias: "h",
        type: "boolean",
        describe: "Sizes as 1.2 MiB instead of bytes",
      })
      .option("summarize", {
        type: "boolean",
        describe: "End with the number of objects and their total size",
      })
      .example([
        ["$0 ls", "List buckets"],
        ["$0 ls s3://releases/app/ --human-readable --summarize", "List one folder"],
      ]),
  async run(ctx, args) {
    if (args.path === undefined || args.path === "") return listBuckets(ctx);
    const uri = parseS3Arg(args.path);
    boundHeapGrowth();
    const human = args.humanReadable === true;
    const recursive = args.recursive === true;
    // As in aws s3 ls: names are shown relative to the last "/" of the prefix.
    const shownFrom = recursive ? 0 : uri.key.lastIndexOf("/") + 1;
    let objects = 0;
    let bytes = 0;
    let prefixes = 0;
    if (recursive) {
      // Streamed object by object: a bounded window of the listing, whatever its size.
      const listing = listAllObjects(ctx.client(), uri.bucket, uri.key, {
        originalSizes: true,
        signal: ctx.signal,
      });
      // Lines go out in blocks of about 64 KiB: one write per line costs a system call each.
      let block: string[] = [];
      let blockLength = 0;
      try {
        for await (const object of listing) {
          objects += 1;
          bytes += object.Size;
          const line = formatObjectLine(object.LastModified, object.Size, object.Key, human);
          block.push(line);
          blockLength += line.length + 1;
          if (blockLength >= 64 * 1024) {
            ctx.out.line(block.join("\n"));
            block = [];
            blockLength = 0;
            // A slow reader of stdout holds the listing back (its pages are not requested).
            await ctx.out.drained(ctx.signal);
          }
        }
      } finally {
        // What was listed before a failure is still printed.
        if (block.length > 0) ctx.out.line(block.join("\n"));
      }
    }
    const pages = recursive
      ? []
      : listPages(
          ctx.client(),
          {
            Bucket: uri.bucket,
            ...(uri.key === "" ? {} : { Prefix: uri.key }),
            Delimiter: "/",
            FetchOriginalSizes: true,
          },
          { signal: ctx.signal },
        );
    for await (const page of pages) {
      for (const { Prefix } of page.CommonPrefixes) {
        prefixes += 1;
        ctx.out.line(formatPrefixLine(Prefix.slice(shownFrom)));
      }
      for (const object of page.Contents) {
        objects += 1;
        bytes += object.Size;
        ctx.out.line(
          formatObjectLine(object.LastModified, object.Size, object.Key.slice(shownFrom), human),
        );
      }
      await ctx.out.drained(ctx.signal);
    }
    if (args.summarize) for (const line of formatSummary(objects, bytes, human)) ctx.out.line(line);
    // aws s3 ls exits 1 when a prefix matched nothing.
    return uri.key !== "" && objects === 0 && prefixes === 0 ? EXIT.failed : EXIT.ok;
  },
});

async function listBuckets(ctx: CliContext): Promise<number> {
  const { Buckets } = await ctx.client().listBuckets({ signal: ctx.signal });
  for (const bucket of Buckets) ctx.out.line(formatBucketLine(bucket.CreationDate, bucket.Name));
  return EXIT.ok;
}
