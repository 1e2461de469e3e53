import type { TransferReporter, TransferTotals } from "./reporter.js";

/** One finished line of a progress screen. */
export interface ProgressLine {
  readonly id: number;
  readonly text: string;
  readonly tone: "ok" | "error" | "note";
}

/** A file moving right now. */
export interface ActiveTransfer {
  readonly id: number;
  readonly label: string;
  readonly bytes: number | undefined;
  readonly done: number;
}

/** Everything a progress screen draws. */
export interface ProgressSnapshot {
  readonly totals: TransferTotals;
  readonly active: readonly ActiveTransfer[];
  readonly lines: readonly ProgressLine[];
}

/** A reporter that keeps a snapshot for a screen to draw, and tells it when it changed. */
export interface ProgressStore extends Omit<TransferReporter, "close"> {
  getSnapshot(): ProgressSnapshot;
  subscribe(listener: () => void): () => void;
}

/**
 * Create the state behind the Ink progress screen. Byte updates are coalesced: listeners are
 * told at most every `intervalMs`, finished and failed files at once.
 *
 * @example
 * ```ts
 * const store = createProgressStore({ now: Date.now, intervalMs: 100, quiet: false });
 * store.plan(2, 2048);
 * ```
 */
export function createProgressStore(options: {
  readonly now: () => number;
  readonly intervalMs: number;
  readonly quiet: boolean;
}): ProgressStore {
  let totals: TransferTotals = {
    filesPlanned: 0,
    filesDone: 0,
    filesFailed: 0,
    bytesPlanned: undefined,
    bytesDone: 0,
    originalBytesStored: 0,
    storedBytes: 0,
    startedAt: options.now(),
  };
  const active = new Map<number, ActiveTransfer>();
  let lines: ProgressLine[] = [];
  let snapshot: ProgressSnapshot = { totals, active: [], lines };
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const publish = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    snapshot = { totals, active: [...active.values()], lines };
    for (const listener of listeners) listener();
  };
  const publishSoon = () => {
    // An interval of 0 publishes every change at once (screen tests wait in event-loop turns,
    // which a timer of even 1 ms may outlast on a busy machine).
    if (options.intervalMs <= 0) publish();
    else timer ??= setTimeout(publish, options.intervalMs);
  };
  const addLine = (line: ProgressLine) => {
    lines = [...lines, line];
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    plan(files, bytes) {
      totals = { ...totals, filesPlanned: files, bytesPlanned: bytes, startedAt: options.now() };
      publish();
    },
    start(id, label, bytes) {
      active.set(id, { id, label, bytes, done: 0 });
      publishSoon();
    },
    advance(id, bytes) {
      const current = active.get(id);
      if (current) {
        const capped =
          current.bytes === undefined
            ? bytes
            : Math.max(0, Math.min(bytes, current.bytes - current.done));
        active.set(id, { ...current, done: current.done + capped });
        totals = { ...totals, bytesDone: totals.bytesDone + capped };
      }
      publishSoon();
    },
    finish(id, line, stored) {
      const current = active.get(id);
      active.delete(id);
      // Count the rest of the file (progress events may stop short of its size).
      const rest = current?.bytes !== undefined ? Math.max(0, current.bytes - current.done) : 0;
      totals = {
        ...totals,
        filesDone: totals.filesDone + 1,
        bytesDone: totals.bytesDone + rest,
        originalBytesStored: totals.originalBytesStored + (stored?.originalBytes ?? 0),
        storedBytes: totals.storedBytes + (stored?.storedBytes ?? 0),
      };
      if (line !== undefined && !options.quiet) addLine({ id, text: line, tone: "ok" });
      publish();
    },
    fail(id, failureLines) {
      active.delete(id);
      totals = { ...totals, filesFailed: totals.filesFailed + 1 };
      for (const text of failureLines) addLine({ id, text, tone: "error" });
      publish();
    },
    note(text) {
      if (!options.quiet) addLine({ id: -1, text, tone: "note" });
      publish();
    },
  };
}
