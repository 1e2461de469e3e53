import type { DirectReason } from "@dg/sdk";

/** What a finished upload or copy stored, for "saved so far" (and why whole, when it was). */
export interface StoredBytes {
  readonly originalBytes: number;
  readonly storedBytes: number;
  readonly directReason?: DirectReason;
}

/** Aggregate figures of a batch of transfers, for progress screens. */
export interface TransferTotals {
  readonly filesPlanned: number;
  readonly filesDone: number;
  readonly filesFailed: number;
  /** Original bytes expected in total, when known. */
  readonly bytesPlanned: number | undefined;
  /** Original bytes moved so far. */
  readonly bytesDone: number;
  /** Original and stored bytes of finished uploads and copies, for "saved so far". */
  readonly originalBytesStored: number;
  readonly storedBytes: number;
  readonly startedAt: number;
}

/**
 * Where a batch of transfers reports: plain lines (not a terminal, `--no-progress`), or an
 * Ink screen. The same calls drive both.
 */
export interface TransferReporter {
  /** Announce the batch: number of files and total original bytes when known. */
  plan(files: number, bytes: number | undefined): void;
  /** A file started moving. */
  start(id: number, label: string, bytes: number | undefined): void;
  /** `bytes` more original bytes of file `id` were moved. */
  advance(id: number, bytes: number): void;
  /** File `id` finished; `line` is printed (unless quiet). */
  finish(id: number, line: string | undefined, stored?: StoredBytes): void;
  /** File `id` failed; the lines go to stderr, even when quiet. */
  fail(id: number, lines: readonly string[]): void;
  /** An informational line (summaries), printed unless quiet. */
  note(line: string): void;
  /** Stop drawing; resolves once the last frame is on screen. */
  close(): Promise<void>;
}
