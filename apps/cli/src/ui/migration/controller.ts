import type { CompressionEstimate } from "@dg/sdk";
import { CancelledError } from "@dg/sdk/common";
import type { MigrationResult } from "../../lib/migration-summary.js";
import { createPauseGate, type PauseGate } from "../../lib/transfer-gate.js";
import type { KeyPress } from "../keys.js";
import type { ConfirmAnswer, MigrationSummary } from "../MigrateConfirm.js";
import { createProgressStore, type ProgressSnapshot } from "../progress-store.js";
import type { TransferReporter } from "../reporter.js";

/** The projected savings on the plan screen. */
export type EstimateView =
  | { readonly status: "measuring"; readonly folders: number }
  | { readonly status: "ready"; readonly estimate: CompressionEstimate }
  | { readonly status: "failed"; readonly message: string };

/** How a stop was asked for: let the running files finish, or cancel them now. */
export type Stopping = "no" | "after-running" | "now";

/** Everything the migration screens draw. */
export interface MigrationView {
  readonly phase: "plan" | "running" | "done";
  readonly summary: MigrationSummary;
  readonly estimate?: EstimateView;
  readonly progress: ProgressSnapshot;
  /** Each failed file (its transfer id) with the first line of its failure, in order. */
  readonly failures: readonly { readonly id: number; readonly text: string }[];
  readonly paused: boolean;
  readonly stopping: Stopping;
  readonly result?: MigrationResult;
}

/** The state of a migration on screen, and the controls the keys and the run share. */
export interface MigrationController {
  getState(): MigrationView;
  subscribe(listener: () => void): () => void;
  /** Where the run reports (it also records failures for the dashboard). */
  readonly reporter: Omit<TransferReporter, "close">;
  /** Holds new files back while paused; stopped by `q`. */
  readonly gate: PauseGate;
  /** Aborted by Ctrl-C, or a second `q`: files running are cancelled. */
  readonly signal: AbortSignal;
  /** The answer on the plan screen. */
  readonly answered: Promise<ConfirmAnswer>;
  answer(answer: ConfirmAnswer): void;
  setEstimate(estimate: EstimateView): void;
  /** The run starts: the dashboard replaces the plan. */
  begin(): void;
  /** The run is over: the summary screen. */
  finish(result: MigrationResult): void;
  /** Keys of the dashboard: `p` pause/resume, `q` stop, Ctrl-C abort. */
  handleKey(press: KeyPress): void;
}

/**
 * Create the controller of the migration screens.
 *
 * @example
 * ```ts
 * const controller = createMigrationController({ summary, intervalMs: 100 });
 * if ((await controller.answered) === "yes") controller.begin();
 * ```
 */
export function createMigrationController(options: {
  readonly summary: MigrationSummary;
  /** Coalesce byte updates to one redraw per this many ms (0 in tests). */
  readonly intervalMs: number;
  readonly now?: () => number;
}): MigrationController {
  const progress = createProgressStore({
    now: options.now ?? Date.now,
    intervalMs: options.intervalMs,
    quiet: false,
  });
  const gate = createPauseGate();
  const abort = new AbortController();
  const listeners = new Set<() => void>();
  let control: Omit<MigrationView, "progress"> = {
    phase: "plan",
    summary: options.summary,
    failures: [],
    paused: false,
    stopping: "no",
  };
  let view: MigrationView = { ...control, progress: progress.getSnapshot() };
  const publish = () => {
    view = { ...control, progress: progress.getSnapshot() };
    for (const listener of listeners) listener();
  };
  const update = (change: Partial<Omit<MigrationView, "progress">>) => {
    control = { ...control, ...change };
    publish();
  };
  progress.subscribe(publish);

  let settleAnswer: (answer: ConfirmAnswer) => void = () => {};
  const answered = new Promise<ConfirmAnswer>((resolve) => {
    settleAnswer = resolve;
  });

  const reporter: Omit<TransferReporter, "close"> = {
    plan: progress.plan,
    start: progress.start,
    advance: progress.advance,
    finish: progress.finish,
    note: progress.note,
    fail(id, lines) {
      control = { ...control, failures: [...control.failures, { id, text: lines[0] ?? "failed" }] };
      progress.fail(id, lines);
    },
  };

  const stopNow = () => {
    gate.stop();
    if (!abort.signal.aborted) abort.abort(new CancelledError("Stopped"));
    update({ stopping: "now", paused: false });
  };

  return {
    getState: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reporter,
    gate,
    signal: abort.signal,
    answered,
    answer: (answer) => settleAnswer(answer),
    setEstimate: (estimate) => update({ estimate }),
    begin: () => update({ phase: "running" }),
    finish: (result) => update({ phase: "done", result, paused: false }),
    handleKey({ input, key }) {
      if (control.phase !== "running") return;
      if (key.ctrl && input === "c") return stopNow();
      if (input === "q" || key.escape) {
        if (control.stopping === "no") {
          gate.stop();
          update({ stopping: "after-running", paused: false });
        } else stopNow();
        return;
      }
      if (input === "p" && control.stopping === "no") {
        if (gate.paused) gate.resume();
        else gate.pause();
        update({ paused: gate.paused });
      }
    },
  };
}
