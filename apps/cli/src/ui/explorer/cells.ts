import { directReasonShort } from "../../lib/direct-reason.js";
import type { DeltaspaceObject } from "@dg/sdk";

/**
 * `text` in exactly `width` columns: padded, or cut with `…` when longer.
 *
 * @example
 * ```ts
 * cell("releases/app/", 8); // "release…"
 * cell("12", 4, "right"); // "  12"
 * ```
 */
export function cell(text: string, width: number, align: "left" | "right" = "left"): string {
  if (width <= 0) return "";
  const chars = [...text];
  if (chars.length > width) return `${chars.slice(0, width - 1).join("")}…`;
  return align === "right" ? text.padStart(width) : text.padEnd(width);
}

/**
 * `text` cut in the middle to `width` columns, so both ends of a long key stay readable.
 *
 * @example
 * ```ts
 * middleCut("releases/2026/app-1.2.3.zip", 15); // "release…1.2.3.zip"
 * ```
 */
export function middleCut(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return "…".slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join("")}…${tail > 0 ? chars.slice(-tail).join("") : ""}`;
}

/**
 * How long ago, in one short figure: `now`, `5m`, `3h`, `12d`, `4mo`, `2y`.
 *
 * @example
 * ```ts
 * formatAge(3 * 86_400_000); // "3d"
 * ```
 */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "now";
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 60) return `${days}d`;
  if (days < 730) return `${Math.floor(days / 30)}mo`;
  return `${Math.floor(days / 365)}y`;
}

function pad2(n: number): string {
  return n.toString().padStart(2, "0");
}

/** A local date, `2026-11-25`, with ` 16:24` when `withTime`. */
export function formatDay(date: Date, withTime: boolean): string {
  const day = `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
  return withTime ? `${day} ${pad2(date.getHours())}:${pad2(date.getMinutes())}` : day;
}

/**
 * How a file is stored, in a few words: `reference`, `delta`, `delta (=ref)` for the file the
 * reference was made from, `delta BROKEN` when its reference is missing or another one,
 * `direct: <why>` (`type`: never delta-encoded, `empty`, `max-ratio`, `no-delta`,
 * `ref race`: the reference changed during its upload; `ratio/off` when not recorded: an
 * eligible file stored whole by an older version), `foreign` (no deltaglider metadata).
 */
export function storedAs(object: DeltaspaceObject): string {
  switch (object.storage) {
    case "reference":
      return "reference";
    case "delta":
      return object.broken ? "delta BROKEN" : object.zeroDiff ? "delta (=ref)" : "delta";
    case "direct":
      return `direct: ${directReasonShort(object.directReason)}`;
    case "foreign":
      return "foreign";
  }
}

/** Stored size as a share of the original size, `4.2%` or `<0.1%`; `—` when unknown or empty. */
export function deltaRatio(object: DeltaspaceObject): string {
  if (object.storage === "reference" || !object.originalSize) return "—";
  const percent = (object.storedSize / object.originalSize) * 100;
  if (percent >= 100) return `${Math.round(percent)}%`;
  return percent < 0.1 ? "<0.1%" : `${percent.toFixed(1)}%`;
}

/** The colour of a savings figure: green from 50 %, yellow above 0, red otherwise. */
export function savingsColor(percent: number): "green" | "yellow" | "red" {
  return percent >= 50 ? "green" : percent > 0 ? "yellow" : "red";
}
