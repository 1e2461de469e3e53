import type { RebaseFile, RebaseResult } from "@dg/sdk";
import { EXIT, UsageError } from "../lib/errors.js";
import { humanSize, oneDecimal } from "../lib/format.js";
import { asFolderPrefix, parseS3Arg } from "../lib/locations.js";
import { defineCommand } from "./define.js";

/**
 * `deltaglider rebase s3://bucket/folder/`: re-encode a folder's deltas against the best set
 * of references. A dry run unless `--yes`.
 */
export const rebaseCommand = defineCommand({
  command: "rebase <folder>",
  describe:
    "Re-encode a folder's deltas against the best set of references (dry run without --yes)",
  builder: (yargs) =>
    yargs
      .positional("folder", {
        type: "string",
        demandOption: true,
        describe: "s3://bucket/folder/ (one folder: its sub-folders are folders of their own)",
      })
      .option("yes", {
        type: "boolean",
        describe:
          "Do it: write the new references and deltas (without it, only the projection is printed)",
      })
      .option("new-reference-ratio", {
        type: "number",
        describe:
          "A file whose best delta is larger than this fraction of it, in (0, 1], becomes a new reference (default 0.35)",
      })
      .option("max-ratio", {
        type: "number",
        describe:
          "Largest delta kept, in (0, 1]; a file that resembles nothing keeps its present delta (default 0.5)",
      })
      .option("json", { type: "boolean", describe: "Print the result as JSON" })
      .epilogue(
        "Files are taken in upload order; each is rebuilt, compared with the folder's references by a small sketch kept in their metadata, encoded against the closest, and made a reference of its own (under <folder>/.dg-refs/<id>/reference.bin, which the Python DeltaGlider reads too) where its delta would be larger than --new-reference-ratio of it. A delta is replaced only by a smaller one, and only after the new one decodes to the file's SHA-256; a new reference is written before any delta names it; references go only once no delta names them. Interrupting it at any moment leaves every file readable; running it again carries on.",
      )
      .example([
        ["$0 rebase s3://releases/app/", "Show the projected savings"],
        ["$0 rebase s3://releases/app/ --yes", "Re-encode the folder"],
      ]),
  async run(ctx, args) {
    const { bucket, key } = parseS3Arg(args.folder);
    const ratio = args.newReferenceRatio;
    if (ratio !== undefined && !(ratio > 0 && ratio <= 1)) {
      throw new UsageError(`--new-reference-ratio must be in (0, 1], not ${ratio}`, {
        hint: "Pass e.g. --new-reference-ratio 0.2 (or set DG_NEW_REFERENCE_RATIO).",
      });
    }
    const maxRatio = args.maxRatio;
    if (maxRatio !== undefined && !(maxRatio > 0 && maxRatio <= 1)) {
      throw new UsageError(`--max-ratio must be in (0, 1], not ${maxRatio}`, {
        hint: "Pass e.g. --max-ratio 0.5 (or set DG_MAX_RATIO).",
      });
    }
    const apply = args.yes === true;
    const json = args.json === true;
    const result = await ctx.client().rebase(
      { bucket, key: asFolderPrefix(key) },
      {
        apply,
        signal: ctx.signal,
        ...(ratio === undefined ? {} : { newReferenceRatio: ratio }),
        ...(maxRatio === undefined ? {} : { maxRatio }),
        // One line per file as soon as it is done (written, with --yes).
        onFile: (file) => {
          if (!json) ctx.out.line(rebaseFileLine(bucket, file, apply));
        },
      },
    );
    if (json) ctx.out.line(JSON.stringify(result, null, 2));
    else for (const line of rebaseSummary(result)) ctx.out.line(line);
    return EXIT.ok;
  },
});

const VERBS: Record<RebaseFile["action"], readonly [string, string]> = {
  kept: ["kept", "kept"],
  "re-encoded": ["would re-encode", "re-encoded"],
  "new-reference": ["would become a reference", "new reference"],
};

/**
 * One file's line: `re-encoded: s3://b/app-3.zip 4.1 MB -> 120.3 KB`.
 *
 * @example
 * ```ts
 * rebaseFileLine("b", { key: "a.zip", action: "kept", storedBefore: 10, storedAfter: 10, referenceKey: "reference.bin" }, true);
 * ```
 */
export function rebaseFileLine(bucket: string, file: RebaseFile, applied: boolean): string {
  const verb = VERBS[file.action][applied ? 1 : 0];
  const sizes =
    file.action === "kept"
      ? humanSize(file.storedBefore)
      : `${humanSize(file.storedBefore)} -> ${humanSize(file.storedAfter)}`;
  return `${verb}: s3://${bucket}/${file.key} ${sizes}`;
}

/**
 * The closing lines: stored bytes and references before and after, and what is left to do.
 *
 * @example
 * ```ts
 * for (const line of rebaseSummary(result)) ctx.out.line(line);
 * ```
 */
export function rebaseSummary(result: RebaseResult): string[] {
  const saved = result.storedBytesBefore - result.storedBytesAfter;
  const percent = result.storedBytesBefore === 0 ? 0 : (saved / result.storedBytesBefore) * 100;
  const lines = [
    `${result.applied ? "Stored" : "Projected"}: ${humanSize(result.storedBytesBefore)} -> ${humanSize(result.storedBytesAfter)} (${saved >= 0 ? "saves" : "costs"} ${humanSize(Math.abs(saved))}, ${oneDecimal(Math.abs(percent))}%)`,
    `References: ${result.referencesBefore} -> ${result.referencesAfter}`,
  ];
  for (const key of result.removedReferences) {
    lines.push(
      `${result.applied ? "removed" : "would remove"}: s3://${result.bucket}/${key} (no delta names it)`,
    );
  }
  if (!result.applied) lines.push("Dry run: nothing was written. Run again with --yes to do it.");
  return lines;
}
