import type { BucketStats, StorageFigures } from "@dg/sdk";
import { humanSize, oneDecimal } from "./format.js";

function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

function sizeWithBytes(bytes: number): string {
  return `${humanSize(Math.max(0, bytes))} (${thousands(bytes)} bytes)`;
}

/** `94.8%`, or `-3.1%` when storage costs more than the files. */
export function savingsText(figures: StorageFigures): string {
  return `${oneDecimal(figures.savingsPercent)}%`;
}

/**
 * The share of stored bytes that are references (a folder's `reference.bin` and its extra
 * references), `-` when nothing is stored.
 */
export function referenceShareText(figures: StorageFigures): string {
  if (figures.storedBytes === 0) return "-";
  return `${oneDecimal((figures.referenceBytes / figures.storedBytes) * 100)}%`;
}

/** `s3://bucket/` or `s3://bucket/prefix`. */
export function statsLocation(stats: BucketStats): string {
  return `s3://${stats.bucket}/${stats.prefix}`;
}

/** How a stats result came about, for the last line. */
export interface StatsProvenance {
  readonly cached: boolean;
  readonly computedAt: string;
}

/**
 * Plain-text report of `stats` (pipes, CI, `--no-progress`): totals, then one row per
 * deltaspace.
 *
 * @example
 * ```ts
 * for (const line of formatStatsText(stats, { cached: false, computedAt })) ctx.out.line(line);
 * ```
 */
export function formatStatsText(stats: BucketStats, provenance: StatsProvenance): string[] {
  const mode = stats.estimated ? `${stats.mode} mode, estimated` : `${stats.mode} mode`;
  const lines = [
    `Bucket statistics: ${statsLocation(stats)} (${mode})`,
    "=".repeat(60),
    `Objects:            ${thousands(stats.objectCount)} (${thousands(stats.deltaObjects)} delta, ${thousands(stats.directObjects)} direct), ${thousands(stats.referenceObjects)} reference${stats.referenceObjects === 1 ? "" : "s"}`,
    `Original size:      ${sizeWithBytes(stats.originalBytes)}`,
    `Stored size:        ${sizeWithBytes(stats.storedBytes)}, ${referenceShareText(stats)} in references`,
    `Space saved:        ${sizeWithBytes(stats.savedBytes)}`,
    `Savings:            ${savingsText(stats)}`,
  ];
  if (stats.brokenDeltas > 0) {
    lines.push(
      `Broken deltas:      ${thousands(stats.brokenDeltas)} (reference missing or replaced)`,
    );
  }
  if (stats.deltaspaces.length > 0) {
    const width = Math.min(
      48,
      Math.max(10, ...stats.deltaspaces.map((space) => space.deltaspace.length + 1)),
    );
    lines.push("");
    lines.push(
      `${"Deltaspace".padEnd(width)}  ${"Objects".padStart(8)}  ${"Original".padStart(10)}  ${"Stored".padStart(10)}  ${"Saved".padStart(7)}  ${"Refs".padStart(4)}  ${"Ref share".padStart(9)}`,
    );
    for (const space of stats.deltaspaces) {
      const name = space.deltaspace === "" ? "(root)" : `${space.deltaspace}/`;
      lines.push(
        `${name.padEnd(width)}  ${thousands(space.objectCount).padStart(8)}  ${humanSize(space.originalBytes).padStart(10)}  ${humanSize(space.storedBytes).padStart(10)}  ${savingsText(space).padStart(7)}  ${thousands(space.referenceObjects).padStart(4)}  ${referenceShareText(space).padStart(9)}`,
      );
    }
  }
  for (const key of stats.orphanedReferences) {
    lines.push(`Orphaned reference: s3://${stats.bucket}/${key} (no delta needs it)`);
  }
  lines.push("");
  lines.push(
    provenance.cached
      ? `Cached result computed at ${provenance.computedAt} on this exact listing (--refresh recomputes).`
      : `Computed at ${provenance.computedAt}.`,
  );
  return lines;
}
