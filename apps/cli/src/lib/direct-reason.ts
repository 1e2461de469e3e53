import type { DirectReason } from "@dg/sdk";

/** How each reason for storing a file whole is told: a few words, and a sentence. */
const TEXTS: Readonly<Record<DirectReason, { readonly short: string; readonly long: string }>> = {
  "delta-disabled": { short: "no-delta", long: "uploaded with --no-delta" },
  "not-eligible": { short: "type", long: "a file type never delta-encoded (by its extension)" },
  empty: { short: "empty", long: "an empty file" },
  "max-ratio": { short: "max-ratio", long: "its delta was over --max-ratio of its size" },
  "reference-changed": {
    short: "ref race",
    long: "the folder's reference changed during its upload (another client)",
  },
};

/** The order reasons are listed in. */
const ORDER: readonly DirectReason[] = [
  "not-eligible",
  "empty",
  "max-ratio",
  "delta-disabled",
  "reference-changed",
];

/**
 * A reason in a few words, for a table cell: `type`, `empty`, `max-ratio`, `no-delta`,
 * `ref race`; `ratio/off` when it was not recorded (an eligible file stored whole by a version
 * that did not record why: its delta was over the max ratio, or it was uploaded without delta).
 *
 * @example
 * ```ts
 * directReasonShort("max-ratio"); // "max-ratio"
 * ```
 */
export function directReasonShort(reason: DirectReason | undefined): string {
  return reason === undefined ? "ratio/off" : TEXTS[reason].short;
}

/**
 * A reason as a phrase: `a file type never delta-encoded (by its extension)`, …
 *
 * @example
 * ```ts
 * directReasonText("empty"); // "an empty file"
 * ```
 */
export function directReasonText(reason: DirectReason | undefined): string {
  return reason === undefined
    ? "reason not recorded (over --max-ratio, or --no-delta)"
    : TEXTS[reason].long;
}

/** The reason in a transfer line's note: `delta over --max-ratio`, `not delta-eligible`, … */
const NOTES: Readonly<Record<DirectReason, string>> = {
  "delta-disabled": "--no-delta",
  "not-eligible": "not a delta-eligible type",
  empty: "empty file",
  "max-ratio": "delta over --max-ratio",
  "reference-changed": "reference changed during the upload",
};

/**
 * The reason as the note of a transfer line says it.
 *
 * @example
 * ```ts
 * directReasonNote("max-ratio"); // "delta over --max-ratio"
 * ```
 */
export function directReasonNote(reason: DirectReason): string {
  return NOTES[reason];
}

/**
 * Counts of files stored whole by reason, in one phrase: `2 not a delta-eligible type, 1 delta
 * over --max-ratio`; empty when there are none.
 *
 * @example
 * ```ts
 * directCountsText({ "max-ratio": 1, "not-eligible": 2 });
 * // "2 not a delta-eligible type, 1 delta over --max-ratio"
 * ```
 */
export function directCountsText(counts: Readonly<Partial<Record<DirectReason, number>>>): string {
  return ORDER.filter((reason) => (counts[reason] ?? 0) > 0)
    .map((reason) => `${counts[reason]} ${NOTES[reason]}`)
    .join(", ");
}

/** How many files the counts hold. */
export function directCount(counts: Readonly<Partial<Record<DirectReason, number>>>): number {
  return ORDER.reduce((sum, reason) => sum + (counts[reason] ?? 0), 0);
}
