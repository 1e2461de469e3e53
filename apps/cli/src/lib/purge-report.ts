import type { PurgeResult, SetAsideScan, TempScan } from "@dg/sdk";
import { TEMP_PREFIX } from "@dg/sdk/common";

/** How many expired files a dry run lists, and how many errors a real run prints. */
const LISTED_FILES = 10;
const LISTED_ERRORS = 5;

function withCommas(n: number): string {
  return n.toLocaleString("en-US");
}

function totalSize(scan: TempScan): number {
  return scan.expired.reduce((sum, file) => sum + file.size, 0);
}

/**
 * The JSON of `purge --dry-run --json`: the Python tool's fields, plus `set_aside_references`.
 *
 * @example
 * ```ts
 * JSON.stringify(dryRunJson("b", scan, setAside), null, 2);
 * ```
 */
export function dryRunJson(bucket: string, scan: TempScan, setAside: SetAsideScan) {
  return {
    bucket,
    prefix: TEMP_PREFIX,
    dry_run: true,
    would_delete_count: scan.expired.length,
    total_size_to_free: totalSize(scan),
    expired_files: scan.expired
      .slice(0, LISTED_FILES)
      .map((file) => ({ key: file.key, size: file.size, expires_at: file.expiresAt })),
    set_aside_references: {
      would_delete: setAside.removable.map((r) => r.key),
      kept: setAside.kept,
    },
  };
}

/**
 * The text of `purge --dry-run`, as the Python tool prints it:
 * `Dry run: Would delete 3 expired file(s)`, `Total space to free: 1,234 bytes`, then the
 * first 10 files; set-aside references get lines of their own only when there are any.
 *
 * @example
 * ```ts
 * for (const line of dryRunText(scan, setAside)) ctx.out.line(line);
 * ```
 */
export function dryRunText(scan: TempScan, setAside: SetAsideScan): string[] {
  const lines = [
    `Dry run: Would delete ${scan.expired.length} expired file(s)`,
    `Total space to free: ${withCommas(totalSize(scan))} bytes`,
  ];
  if (scan.expired.length > 0) {
    lines.push(`Files that would be deleted (first ${LISTED_FILES}):`);
    for (const file of scan.expired.slice(0, LISTED_FILES)) {
      lines.push(`  ${file.key} (expires: ${file.expiresAt})`);
    }
    if (scan.expired.length > LISTED_FILES) {
      lines.push(`  ... and ${scan.expired.length - LISTED_FILES} more`);
    }
  }
  lines.push(...setAsideLines(setAside, "Set-aside references that would be deleted"));
  return lines;
}

function setAsideLines(setAside: SetAsideScan, title: string): string[] {
  if (setAside.removable.length === 0 && setAside.kept.length === 0) return [];
  return [
    `${title}: ${setAside.removable.length}`,
    ...setAside.removable.map((r) => `  ${r.key}`),
    ...setAside.kept.map((k) => `Kept set-aside reference ${k.key} (${k.reason})`),
  ];
}

/** What a real purge did. */
export interface PurgeOutcome {
  readonly bucket: string;
  readonly scan: TempScan;
  readonly deleted: readonly string[];
  readonly freedBytes: number;
  readonly errors: readonly { readonly key: string; readonly message: string }[];
  readonly durationSeconds: number;
  readonly setAside: SetAsideScan;
  readonly setAsideDeleted: readonly string[];
}

function errorText(error: { readonly key: string; readonly message: string }): string {
  return `Failed to delete ${error.key}: ${error.message.replace(/\s*\n\s*/g, " ")}`;
}

/**
 * The JSON of `purge --json`: the Python tool's fields, plus `set_aside_references`.
 *
 * @example
 * ```ts
 * JSON.stringify(purgeJson(outcome), null, 2);
 * ```
 */
export function purgeJson(outcome: PurgeOutcome) {
  return {
    bucket: outcome.bucket,
    prefix: TEMP_PREFIX,
    deleted_count: outcome.deleted.length,
    expired_count: outcome.scan.expired.length,
    error_count: outcome.errors.length,
    total_size_freed: outcome.freedBytes,
    duration_seconds: Math.round(outcome.durationSeconds * 100) / 100,
    errors: outcome.errors.map(errorText),
    set_aside_references: {
      deleted: outcome.setAsideDeleted,
      kept: outcome.setAside.kept,
    },
  };
}

/**
 * The text of `purge`, as the Python tool prints it: `Purge Statistics for bucket: <b>`, a rule
 * of 60 `=`, the counts, then up to 5 errors.
 *
 * @example
 * ```ts
 * for (const line of purgeText(outcome)) ctx.out.line(line);
 * ```
 */
export function purgeText(outcome: PurgeOutcome): string[] {
  const lines = [
    `Purge Statistics for bucket: ${outcome.bucket}`,
    "=".repeat(60),
    `Expired files found:  ${outcome.scan.expired.length}`,
    `Files deleted:        ${outcome.deleted.length}`,
    `Errors:               ${outcome.errors.length}`,
    `Space freed:          ${outcome.freedBytes} bytes`,
    `Duration:             ${outcome.durationSeconds.toFixed(2)} seconds`,
  ];
  const setAside: SetAsideScan = {
    removable: outcome.setAside.removable.filter((r) => outcome.setAsideDeleted.includes(r.key)),
    kept: outcome.setAside.kept,
  };
  lines.push(...setAsideLines(setAside, "Set-aside references deleted"));
  if (outcome.errors.length > 0) {
    lines.push("", "Errors encountered:");
    for (const error of outcome.errors.slice(0, LISTED_ERRORS)) {
      lines.push(`  - ${errorText(error)}`);
    }
    if (outcome.errors.length > LISTED_ERRORS) {
      lines.push(`  ... and ${outcome.errors.length - LISTED_ERRORS} more`);
    }
  }
  return lines;
}

/**
 * The `multipart_uploads` field of `purge --json`: the uploads aborted (or, in a dry run, that
 * would be), the marked ones too young, and how many other tools' uploads were left alone.
 *
 * @example
 * ```ts
 * JSON.stringify({ ...purgeJson(outcome), ...uploadsJson(result) }, null, 2);
 * ```
 */
export function uploadsJson(result: PurgeResult) {
  const { uploads } = result;
  return {
    multipart_uploads: {
      supported: uploads.supported,
      ...(result.dryRun
        ? { would_abort: uploads.stale.map((upload) => upload.key) }
        : { aborted: result.uploadsAborted }),
      too_recent: uploads.recent,
      other_tools: uploads.foreign,
    },
  };
}

/**
 * The lines about multipart uploads, printed only when there are any (a store without them, or
 * a bucket with none, adds nothing to the Python tool's report).
 *
 * @example
 * ```ts
 * for (const line of uploadsText(result, "24h")) ctx.out.line(line);
 * ```
 */
export function uploadsText(result: PurgeResult, olderThan: string): string[] {
  const { uploads } = result;
  const lines: string[] = [];
  if (result.dryRun) {
    if (uploads.stale.length > 0) {
      lines.push(
        `Unfinished uploads that would be aborted (older than ${olderThan}): ${uploads.stale.length}`,
      );
      for (const upload of uploads.stale) {
        lines.push(`  ${upload.key} (started ${upload.initiated.toISOString()})`);
      }
    }
  } else if (result.uploadsAborted.length > 0 || uploads.stale.length > 0) {
    lines.push(
      `Unfinished uploads aborted (older than ${olderThan}): ${result.uploadsAborted.length}`,
    );
    for (const key of result.uploadsAborted) lines.push(`  ${key}`);
  }
  if (uploads.recent > 0) {
    lines.push(`Unfinished uploads kept (started less than ${olderThan} ago): ${uploads.recent}`);
  }
  if (uploads.foreign > 0) {
    lines.push(`Unfinished uploads of other tools, left alone: ${uploads.foreign}`);
  }
  return lines;
}
