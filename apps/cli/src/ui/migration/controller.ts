import type { CompressionEstimate, DirectReason } from "@dg/sdk";
import type { MigrationResult } from "../../lib/migration-summary.js";
import type { KeyPress } from "../keys.js";
import type { ConfirmAnswer, MigrationSummary } from "../MigrateConfirm.js";
import { createProgressStore, type ProgressSnapshot } from "../progress-store.js";
import type { TransferReporter } from "../reporter.js";
import type { MigrationRun } from "./source.js";

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
  /** Files stored whole so far, by reason. */
  readonly direct: Readonly<Partial<Record<DirectReason, number>>>;
  readonly result?: MigrationResult;
}

/** The state of a migration on screen, and the controls the keys and the run share. */
export interface MigrationController {
  getState(): MigrationView;
  subscribe(listener: () => void): () => void;
  /** Where the run reports (it also records failures and files stored whole). */
  readonly reporter: Omit<TransferReporter, "close">;
  /** The answer on the plan screen. */
  readonly answered: Promise<ConfirmAnswer>;
  answer(answer: ConfirmAnswer): void;
  setEstimate(estimate: EstimateView): void;
  /**
   * The run starts: the dashboard replaces the plan, and its keys steer `run` (`p` pauses and
   * resumes, `q` stops once the running files finish, a second `q` or Ctrl-C aborts).
   */
  begin(run: Pick<MigrationRun, "pause" | "resume" | "stop" | "abort">): void;
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
 * if ((await controller.answered) === "yes") {
 *   controller.begin(source.run({ reporter: controller.reporter, signal }));
 * }
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
  let run: Pick<MigrationRun, "pause" | "resume" | "stop" | "abort"> | undefined;
  const listeners = new Set<() => void>();
  let control: Omit<MigrationView, "progress"> = {
    phase: "plan",
    summary: options.summary,
    failures: [],
    paused: false,
    stopping: "no",
    direct: {},
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
    finish(id, line, stored) {
      const reason = stored?.directReason;
      if (reason !== undefined) {
        control = {
          ...control,
          direct: { ...control.direct, [reason]: (control.direct[reason] ?? 0) + 1 },
        };
      }
      progress.finish(id, line, stored);
    },
    note: progress.note,
    fail(id, lines) {
      control = { ...control, failures: [...control.failures, { id, text: lines[0] ?? "failed" }] };
      progress.fail(id, lines);
    },
  };

  const stopNow = () => {
    run?.abort();
    update({ stopping: "now", paused: false });
  };

  return {
    getState: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reporter,
    answered,
    answer: (answer) => settleAnswer(answer),
    setEstimate: (estimate) => update({ estimate }),
    begin(started) {
      run = started;
      update({ phase: "running" });
    },
    finish: (result) => update({ phase: "done", result, paused: false }),
    handleKey({ input, key }) {
      if (control.phase !== "running") return;
      if (key.ctrl && input === "c") return stopNow();
      if (input === "q" || key.escape) {
        if (control.stopping === "no") {
          run?.stop();
          update({ stopping: "after-running", paused: false });
        } else stopNow();
        return;
      }
      if (input === "p" && control.stopping === "no") {
        if (control.paused) run?.resume();
        else run?.pause();
        update({ paused: !control.paused });
      }
    },
  };
}
