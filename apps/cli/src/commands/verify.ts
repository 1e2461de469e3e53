import { hasCode } from "@dg/sdk/common";
import type { VerifyResult } from "@dg/sdk";
import type { CliContext } from "../context.js";
import { EXIT, UsageError } from "../lib/errors.js";
import { humanSize } from "../lib/format.js";
import { listAllObjects, s3Text } from "../lib/listing.js";
import { asFolderPrefix, parseS3Arg } from "../lib/locations.js";
import { runPool } from "../lib/pool.js";
import { defineCommand } from "./define.js";
import { filterFrom, withFilterOptions, withRecoveryOption } from "./options.js";

/** One line per checked object. */
export function verifyLine(result: VerifyResult): string {
  const where = s3Text(result.bucket, result.key);
  switch (result.status) {
    case "ok":
      return `verified: ${where} (sha256 ${result.actualSha256 ?? ""}, ${humanSize(result.size)}, ${result.storageType})`;
    case "unverifiable":
      return `unverifiable: ${where} (no SHA-256 recorded: not stored by deltaglider)`;
    case "mismatch":
      return `verify failed: ${where}: ${result.message ?? "SHA-256 mismatch"}`;
    case "content-equal":
      return `content-equal: ${where} (rebuilt with --recover-external-compression: its decompressed content checks out; NOT byte-identical, so the SHA-256 cannot be checked)`;
  }
}

/** `deltaglider verify`: rebuild objects and check their SHA-256; nothing is written. */
export const verifyCommand = defineCommand({
  command: "verify <path>",
  describe: "Rebuild an object (or every object under a prefix) and check its SHA-256",
  builder: (yargs) =>
    withRecoveryOption(
      withFilterOptions(
        yargs
          .positional("path", { type: "string", demandOption: true, describe: "s3://bucket/key" })
          .option("recursive", {
            alias: "r",
            type: "boolean",
            describe: "Check every object under the prefix",
          })
          .option("json", { type: "boolean", describe: "Print the results as JSON" })
          .option("quiet", { alias: "q", type: "boolean", describe: "Print only failures" })
          .option("concurrency", {
            type: "number",
            describe: "Objects checked in parallel (default 4)",
          }),
      ),
    ).example([
      ["$0 verify s3://releases/app/app-1.2.zip", "Check one object"],
      ["$0 verify -r s3://releases/app/", "Check a whole folder"],
    ]),
  async run(ctx, args) {
    const uri = parseS3Arg(args.path);
    const concurrency = args.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 64, not ${concurrency}`);
    }
    let keys: string[];
    if (args.recursive) {
      const prefix = asFolderPrefix(uri.key);
      const filter = filterFrom(ctx, args);
      keys = [];
      const listing = listAllObjects(ctx.client(), uri.bucket, prefix, {
        originalSizes: false,
        signal: ctx.signal,
      });
      for await (const object of listing) {
        if (filter.includes(object.Key.slice(prefix.length))) keys.push(object.Key);
      }
    } else {
      if (uri.key === "" || uri.key.endsWith("/")) {
        throw new UsageError(`${args.path} names a folder, not an object`, {
          hint: "Add --recursive (-r) to check everything under a prefix.",
        });
      }
      keys = [uri.key];
    }
    const results: VerifyResult[] = [];
    let failed = 0;
    await runPool(
      keys,
      concurrency,
      async (key) => {
        const result = await verifyOne(
          ctx,
          uri.bucket,
          key,
          !args.recursive,
          args.recoverExternalCompression === true,
        );
        results.push(result);
        if (result.status === "mismatch") failed += 1;
        if (args.json) return;
        if (result.status === "mismatch") ctx.out.error(verifyLine(result));
        else if (!args.quiet) ctx.out.line(verifyLine(result));
      },
      ctx.signal,
    );
    if (args.json) {
      const sorted = results.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      ctx.out.line(JSON.stringify(args.recursive ? sorted : sorted[0], null, 2));
    }
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

async function verifyOne(
  ctx: CliContext,
  bucket: string,
  key: string,
  single: boolean,
  recoverExternalCompression: boolean,
): Promise<VerifyResult> {
  try {
    return await ctx.client().verifyObject(
      { bucket, key },
      {
        signal: ctx.signal,
        ...(recoverExternalCompression ? { recoverExternalCompression: true } : {}),
      },
    );
  } catch (error) {
    // A single missing object is an error of the command; under a prefix it is one failure.
    if (single || ctx.signal.aborted || hasCode(error, "CANCELLED")) throw error;
    return {
      bucket,
      key,
      storedKey: key,
      storageType: "foreign",
      size: 0,
      status: "mismatch",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
