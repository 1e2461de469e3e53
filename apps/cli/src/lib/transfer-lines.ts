import type { UploadResult } from "@dg/sdk";
import { directReasonNote } from "./direct-reason.js";
import { humanSize } from "./format.js";

/** The verbs of `aws s3` transfer lines. */
export type TransferVerb = "upload" | "download" | "copy" | "delete";

/** What was stored, in the figures a transfer line shows. */
export interface StoredFigures {
  readonly storageType: UploadResult["storageType"];
  readonly originalSize: number;
  readonly storedSize: number;
  readonly savingsPercent: number;
  readonly directReason?: UploadResult["directReason"];
}

/** A percentage rounded down to one decimal, so 99.99% never shows as 100.0%. */
export function floorPercent(percent: number): string {
  return (Math.floor(percent * 10) / 10).toFixed(1);
}

/**
 * The parenthesised note after an upload or copy line: `(delta: 8.2 KiB, 96.6% saved)`,
 * `(reference: 2.3 MiB)`, `(direct: 1.0 KiB)`. A direct file's note names why it was stored
 * whole when that was the user's setting or the max ratio; with `everyReason` (the screens),
 * whatever the reason.
 *
 * @example
 * ```ts
 * storedNote({ storageType: "delta", originalSize: 247000, storedSize: 8397, savingsPercent: 96.6 });
 * // "(delta: 8.2 KiB, 96.6% saved)"
 * ```
 */
export function storedNote(
  figures: StoredFigures,
  options: { readonly everyReason?: boolean } = {},
): string {
  switch (figures.storageType) {
    case "delta":
      return `(delta: ${humanSize(figures.storedSize)}, ${floorPercent(figures.savingsPercent)}% saved)`;
    case "reference":
      return `(reference: ${humanSize(figures.originalSize)})`;
    case "direct": {
      const reason = figures.directReason;
      // Plain output names only the reasons it always named (its lines are parsed by scripts).
      const told =
        reason !== undefined &&
        (options.everyReason === true || reason === "max-ratio" || reason === "delta-disabled");
      return `(direct: ${humanSize(figures.storedSize)}${told ? `, ${directReasonNote(reason)}` : ""})`;
    }
  }
}

/**
 * A transfer line as `aws s3` prints it, with an optional note:
 * `upload: ./a.zip to s3://b/a.zip (delta: 8.2 KiB, 96.6% saved)`, `delete: s3://b/x`,
 * `(dryrun) download: s3://b/a.zip to ./a.zip`.
 *
 * @example
 * ```ts
 * transferLine("upload", "./a.zip", "s3://b/a.zip", { dryrun: true });
 * // "(dryrun) upload: ./a.zip to s3://b/a.zip"
 * ```
 */
export function transferLine(
  verb: TransferVerb,
  source: string,
  destination: string | undefined,
  options: { readonly dryrun?: boolean; readonly note?: string } = {},
): string {
  const target = destination === undefined ? source : `${source} to ${destination}`;
  const note = options.note ? ` ${options.note}` : "";
  return `${options.dryrun ? "(dryrun) " : ""}${verb}: ${target}${note}`;
}

/** `upload failed: ./a.zip to s3://b/a.zip: <message>`. */
export function failureLine(
  verb: TransferVerb,
  source: string,
  destination: string | undefined,
  message: string,
): string {
  const target = destination === undefined ? source : `${source} to ${destination}`;
  return `${verb} failed: ${target}: ${message.replace(/\s*\n\s*/g, " ")}`;
}
