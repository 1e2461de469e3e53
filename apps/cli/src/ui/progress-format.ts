import { humanSize } from "../lib/format.js";

/**
 * A text progress bar of `width` cells.
 *
 * @example
 * ```ts
 * progressBar(0.5, 10); // "█████░░░░░"
 * ```
 */
export function progressBar(fraction: number, width: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(clamped * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

/**
 * Seconds as `m:ss` or `h:mm:ss`; `--:--` when unknown.
 *
 * @example
 * ```ts
 * formatDuration(75); // "1:15"
 * ```
 */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--:--";
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = s.toString().padStart(2, "0");
  return h > 0 ? `${h}:${m.toString().padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Bytes per second as `8.1 MiB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${humanSize(Math.max(0, Math.round(bytesPerSecond)))}/s`;
}

/** What a progress line shows, computed from running totals at time `now` (ms). */
export interface ProgressFigures {
  readonly fraction: number;
  readonly rate: number;
  readonly etaSeconds: number | undefined;
  /** Saved so far as a percentage of the original bytes stored, when anything was stored. */
  readonly savedPercent: number | undefined;
}

/**
 * Rate, ETA and savings from totals: by bytes when the total is known, else by files.
 *
 * @example
 * ```ts
 * progressFigures({ filesPlanned: 2, filesDone: 1, filesFailed: 0, bytesPlanned: 200,
 *   bytesDone: 100, originalBytesStored: 100, storedBytes: 5, startedAt: 0 }, 1000);
 * // { fraction: 0.5, rate: 100, etaSeconds: 1, savedPercent: 95 }
 * ```
 */
export function progressFigures(
  totals: {
    readonly filesPlanned: number;
    readonly filesDone: number;
    readonly filesFailed: number;
    readonly bytesPlanned: number | undefined;
    readonly bytesDone: number;
    readonly originalBytesStored: number;
    readonly storedBytes: number;
    readonly startedAt: number;
  },
  now: number,
): ProgressFigures {
  const elapsed = Math.max(0.001, (now - totals.startedAt) / 1000);
  const rate = totals.bytesDone / elapsed;
  const filesFinished = totals.filesDone + totals.filesFailed;
  let fraction: number;
  let etaSeconds: number | undefined;
  if (totals.bytesPlanned !== undefined && totals.bytesPlanned > 0) {
    fraction = Math.min(1, totals.bytesDone / totals.bytesPlanned);
    etaSeconds = rate > 0 ? (totals.bytesPlanned - totals.bytesDone) / rate : undefined;
  } else {
    fraction = totals.filesPlanned > 0 ? filesFinished / totals.filesPlanned : 0;
    etaSeconds =
      filesFinished > 0
        ? ((totals.filesPlanned - filesFinished) * elapsed) / filesFinished
        : undefined;
  }
  if (filesFinished === totals.filesPlanned && totals.filesPlanned > 0) {
    fraction = 1;
    etaSeconds = 0;
  }
  const savedPercent =
    totals.originalBytesStored > 0
      ? ((totals.originalBytesStored - totals.storedBytes) / totals.originalBytesStored) * 100
      : undefined;
  return {
    fraction,
    rate,
    etaSeconds: etaSeconds === undefined ? undefined : Math.max(0, etaSeconds),
    savedPercent,
  };
}
