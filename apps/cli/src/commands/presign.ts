import { EXIT, UsageError } from "../lib/errors.js";
import { parseS3Arg } from "../lib/locations.js";
import { defineCommand } from "./define.js";

const MAX_EXPIRES_IN = 7 * 24 * 3600;

/**
 * `deltaglider presign`: a URL anyone can GET an object with, as `aws s3 presign`. A file
 * stored as a delta is rebuilt into `.deltaglider/tmp/` for the link, and that copy expires
 * with it (`deltaglider purge` removes it afterwards).
 */
export const presignCommand = defineCommand({
  command: "presign <path>",
  describe: "Print a presigned URL that downloads an object, delta-stored ones included",
  builder: (yargs) =>
    yargs
      .positional("path", { type: "string", demandOption: true, describe: "s3://bucket/key" })
      .option("expires-in", {
        type: "number",
        describe: `Seconds the URL stays valid, from 1 to ${MAX_EXPIRES_IN} (7 days); default 3600`,
      })
      .option("no-rehydrate", {
        type: "boolean",
        describe:
          "Refuse a delta-stored object instead of writing a rebuilt copy under .deltaglider/tmp/",
      })
      .epilogue(
        "An object stored as it is gets a URL to itself. A delta-stored one is rebuilt and checked, copied to .deltaglider/tmp/<id>_<name> with dg-expires-at set to the URL's expiry (the Python DeltaGlider's layout), and the URL points at the copy and saves under the file's name. Another link to the same version reuses a live copy. `deltaglider purge <bucket>` deletes expired copies. Needs an S3 endpoint: a file:// store has no URLs.",
      )
      .example([
        ["$0 presign s3://releases/app/app-1.4.zip", "A link valid for an hour"],
        ["$0 presign s3://releases/app/app-1.4.zip --expires-in 604800", "Valid for 7 days"],
      ]),
  async run(ctx, args) {
    const uri = parseS3Arg(args.path);
    if (uri.key === "" || uri.key.endsWith("/")) {
      throw new UsageError(`${args.path} names a folder, not an object`, {
        hint: "Presign one object, e.g. s3://bucket/dir/file.zip.",
      });
    }
    const expiresIn = args.expiresIn ?? 3600;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
      throw new UsageError(
        `--expires-in must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}, not ${expiresIn}`,
      );
    }
    const url = await ctx.client().getSignedUrl(
      {
        Bucket: uri.bucket,
        Key: uri.key,
        ExpiresIn: expiresIn,
        ...(args.noRehydrate === true ? { Rehydrate: false } : {}),
      },
      { signal: ctx.signal },
    );
    ctx.out.line(url);
    return EXIT.ok;
  },
});
