import { basename, dirname, isAbsolute, join, relative } from "node:path";

const UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/**
 * A byte count as `aws s3 ls --human-readable` prints it: `1 Byte`, `512 Bytes`, `8.2 KiB`,
 * `3.0 MiB` (powers of 1024, one decimal).
 *
 * @example
 * ```ts
 * humanSize(243468); // "237.8 KiB"
 * ```
 */
export function humanSize(bytes: number): string {
  if (bytes === 1) return "1 Byte";
  if (bytes < 1024) return `${Math.round(bytes)} Bytes`;
  let value = bytes / 1024;
  for (let i = 0; i < UNITS.length; i += 1) {
    // Move up a unit when rounding to one decimal would print 1024.0.
    if (Math.round(value * 10) / 10 < 1024 || i === UNITS.length - 1) {
      return `${value.toFixed(1)} ${UNITS[i]}`;
    }
    value /= 1024;
  }
  return `${value.toFixed(1)} ${UNITS[UNITS.length - 1]}`;
}

function pad2(n: number): string {
  return n.toString().padStart(2, "0");
}

/**
 * A timestamp as `aws s3 ls` prints it: `YYYY-MM-DD HH:MM:SS` in local time (set `TZ` to
 * choose the zone).
 *
 * @example
 * ```ts
 * formatListingDate(new Date(2026, 10, 25, 16, 24, 8)); // "2026-11-25 16:24:08"
 * ```
 */
export function formatListingDate(date: Date): string {
  // Listings print many objects written within the same second: the text of the last one is
  // reused when the instant's second and the zone's offset at it are the same.
  const second = Math.floor(date.getTime() / 1000);
  const offset = date.getTimezoneOffset();
  if (second === last.second && offset === last.offset) return last.text;
  const text =
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
  last = { second, offset, text };
  return text;
}

let last = { second: Number.NaN, offset: Number.NaN, text: "" };

/** `--human-readable` or plain byte counts. */
export function formatSize(bytes: number, human: boolean): string {
  return human ? humanSize(bytes) : String(bytes);
}

/**
 * One object line of `ls`: date, time, size right-aligned in 10 columns, name.
 *
 * @example
 * ```ts
 * formatObjectLine(new Date(2026, 10, 25, 16, 24, 8), 243468, "demo-1.0.0.zip", false);
 * // "2026-11-25 16:24:08     243468 demo-1.0.0.zip"
 * ```
 */
export function formatObjectLine(date: Date, size: number, name: string, human: boolean): string {
  return `${formatListingDate(date)} ${formatSize(size, human).padStart(10)} ${name}`;
}

/**
 * A common-prefix line of `ls`: `PRE` right-aligned under the size column.
 *
 * @example
 * ```ts
 * formatPrefixLine("dir/"); // "                           PRE dir/"
 * ```
 */
export function formatPrefixLine(name: string): string {
  return `${" ".repeat(27)}PRE ${name}`;
}

/** A bucket line of `ls` with no argument: `2026-11-25 16:24:08 releases`. */
export function formatBucketLine(date: Date | undefined, name: string): string {
  return `${date ? formatListingDate(date) : " ".repeat(19)} ${name}`;
}

/** The `--summarize` block of `ls`. */
export function formatSummary(objects: number, bytes: number, human: boolean): string[] {
  return ["", `Total Objects: ${objects}`, `   Total Size: ${formatSize(bytes, human)}`];
}

/**
 * A local path as `aws s3` shows it in transfer lines: relative to the working directory,
 * `./name` for a file right in it, absolute when outside it.
 *
 * @example
 * ```ts
 * displayPath("/home/me/a.zip", "/home/me"); // "./a.zip"
 * displayPath("/home/me/dist/a.zip", "/home/me"); // "dist/a.zip"
 * ```
 */
export function displayPath(path: string, cwd: string): string {
  const dir = relative(cwd, dirname(path));
  if (dir === "") return `./${basename(path)}`;
  if (dir.startsWith("..") || isAbsolute(dir)) return path;
  return join(dir, basename(path));
}

/** A ratio in [0, 1] as a percentage with one decimal: `96.6%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * A percentage with one decimal that never reads `-0.0`.
 *
 * @example
 * ```ts
 * oneDecimal(-0.001); // "0.0"
 * ```
 */
export function oneDecimal(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return (rounded === 0 ? 0 : rounded).toFixed(1);
}
