import type { CompressionEstimate } from "@dg/sdk";
import { EXIT } from "../lib/errors.js";
import { humanSize, oneDecimal } from "../lib/format.js";
import { parseS3Arg } from "../lib/locations.js";
import { defineCommand } from "./define.js";
import { UsageError } from "../lib/errors.js";

/** Plain-text report of an estimate. */
export function formatEstimate(estimate: CompressionEstimate): string[] {
  const lines = [
    `Compression estimate: s3://${estimate.bucket}/${estimate.prefix} (nothing was written)`,
    "=".repeat(60),
    `Objects:            ${estimate.objectCount} (${estimate.eligibleObjects} delta-eligible, ${estimate.sampledObjects} measured)`,
    `Current size:       ${humanSize(estimate.totalBytes)} (${estimate.totalBytes.toLocaleString("en-US")} bytes)`,
    `Estimated stored:   ${humanSize(estimate.estimatedStoredBytes)}`,
    `Estimated saved:    ${humanSize(Math.max(0, estimate.estimatedSavedBytes))} (${oneDecimal(estimate.estimatedSavingsPercent)}%)`,
  ];
  if (estimate.folders.length > 0) {
    const width = Math.min(48, Math.max(10, ...estimate.folders.map((f) => f.folder.length + 1)));
    lines.push("");
    lines.push(
      `${"Folder".padEnd(width)}  ${"Objects".padStart(8)}  ${"Size".padStart(10)}  ${"Est. stored".padStart(11)}  ${"Saved".padStart(7)}`,
    );
    for (const folder of estimate.folders) {
      const name = folder.folder === "" ? "(root)" : `${folder.folder}/`;
      lines.push(
        `${name.padEnd(width)}  ${String(folder.objectCount).padStart(8)}  ${humanSize(folder.totalBytes).padStart(10)}  ${humanSize(folder.estimatedStoredBytes).padStart(11)}  ${`${oneDecimal(folder.estimatedSavingsPercent)}%`.padStart(7)}`,
      );
    }
  }
  return lines;
}

/** `deltaglider analyze`: projected savings of a plain S3 prefix; writes nothing. */
export const analyzeCommand = defineCommand({
  command: "analyze <path>",
  describe:
    "Estimate what deltaglider would save on a plain S3 prefix (reads samples, writes nothing)",
  builder: (yargs) =>
    yargs
      .positional("path", {
        type: "string",
        demandOption: true,
        describe: "s3://bucket/prefix/ holding files stored the ordinary way",
      })
      .option("samples", {
        type: "number",
        describe: "Files measured per folder, the first standing for the reference (default 4)",
      })
      .option("json", { type: "boolean", describe: "Print the estimate as JSON" })
      .example([["$0 analyze s3://legacy-releases/app/", "Project the savings of a prefix"]]),
  async run(ctx, args) {
    const uri = parseS3Arg(args.path);
    if (args.samples !== undefined && (!Number.isInteger(args.samples) || args.samples < 2)) {
      throw new UsageError(`--samples must be a whole number of at least 2, not ${args.samples}`, {
        hint: "One sample stands for the reference, the others are measured against it.",
      });
    }
    const estimate = await ctx.client().estimateCompression(uri, {
      signal: ctx.signal,
      ...(args.samples === undefined ? {} : { samplesPerFolder: args.samples }),
      onFolder: (folder) => ctx.out.debug(`measured ${folder.folder || "(root)"}`),
    });
    if (args.json) ctx.out.line(JSON.stringify(estimate, null, 2));
    else for (const line of formatEstimate(estimate)) ctx.out.line(line);
    return EXIT.ok;
  },
});
