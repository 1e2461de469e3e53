import { render } from "ink";
import { useSyncExternalStore } from "react";
import type { BucketStats } from "@dg/sdk";
import type { CliContext } from "../context.js";
import { inkOptions } from "./ink-options.js";
import { useClock } from "./use-clock.js";
import type { StatsProvenance } from "../lib/stats-text.js";
import { createProgressStore, type ProgressStore } from "./progress-store.js";
import type { TransferReporter } from "./reporter.js";
import { type ConfirmAnswer, MigrateConfirm, type MigrationSummary } from "./MigrateConfirm.js";
import { StatsDashboard } from "./StatsDashboard.js";
import { StatsProgress } from "./StatsProgress.js";
import { TransferProgress } from "./TransferProgress.js";

function LiveTransferProgress(props: {
  readonly store: ProgressStore;
  readonly title?: string;
  readonly done: boolean;
  readonly width: number;
}) {
  const snapshot = useSyncExternalStore(props.store.subscribe, props.store.getSnapshot);
  const now = useClock();
  return (
    <TransferProgress
      snapshot={snapshot}
      now={now}
      done={props.done}
      width={props.width}
      {...(props.title === undefined ? {} : { title: props.title })}
    />
  );
}

/**
 * Draw the transfer progress screen and return the reporter that drives it.
 *
 * @example
 * ```ts
 * const reporter = renderTransferProgress(ctx, { title: "Uploading" });
 * try { await runTransfers(ctx, jobs, { concurrency: 4, dryrun: false, reporter }); }
 * finally { await reporter.close(); }
 * ```
 */
export function renderTransferProgress(
  ctx: CliContext,
  options: { readonly title?: string } = {},
): TransferReporter {
  const store = createProgressStore({ now: Date.now, intervalMs: 100, quiet: false });
  const width = ctx.terminal.columns;
  const element = (done: boolean) => (
    <LiveTransferProgress
      store={store}
      done={done}
      width={width}
      {...(options.title === undefined ? {} : { title: options.title })}
    />
  );
  const instance = render(element(false), inkOptions(ctx));
  return {
    plan: store.plan,
    start: store.start,
    advance: store.advance,
    finish: store.finish,
    fail: store.fail,
    note: store.note,
    async close() {
      instance.rerender(element(true));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}

/**
 * Draw the `stats` dashboard once and leave it on screen.
 *
 * @example
 * ```ts
 * await renderStatsDashboard(ctx, stats, { cached: false, computedAt: new Date().toISOString() });
 * ```
 */
export async function renderStatsDashboard(
  ctx: CliContext,
  stats: BucketStats,
  provenance: StatsProvenance,
): Promise<void> {
  const instance = render(
    <StatsDashboard stats={stats} provenance={provenance} width={ctx.terminal.columns} />,
    inkOptions(ctx),
  );
  instance.unmount();
  await instance.waitUntilExit();
}

/**
 * Ask on the `migrate` confirmation screen. Only call it when the terminal can answer
 * (`ctx.terminal.canPrompt`). Ctrl-C (which reaches the screen as a key, not a signal, while it
 * reads keys) and an aborted signal both answer `interrupt`.
 *
 * @example
 * ```ts
 * const answer = await renderMigrateConfirm(ctx, summary);
 * if (answer !== "yes") return 0;
 * ```
 */
export async function renderMigrateConfirm(
  ctx: CliContext,
  summary: MigrationSummary,
): Promise<ConfirmAnswer> {
  let answer: ConfirmAnswer = "interrupt";
  let settle: () => void = () => {};
  const answered = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const instance = render(
    <MigrateConfirm
      summary={summary}
      onAnswer={(given) => {
        answer = given;
        settle();
      }}
    />,
    inkOptions(ctx),
  );
  const onAbort = () => settle();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  await answered;
  ctx.signal.removeEventListener("abort", onAbort);
  instance.unmount();
  await instance.waitUntilExit();
  return ctx.signal.aborted ? "interrupt" : answer;
}

/** Drives the one-line `stats` progress indicator. */
export interface StatsProgressHandle {
  update(phase: "listing" | "computing", objects: number): void;
  /** Remove the line (the dashboard takes its place). */
  close(): Promise<void>;
}

/**
 * Show what `stats` is doing until the figures are ready.
 *
 * @example
 * ```ts
 * const progress = renderStatsProgress(ctx, "s3://b/");
 * progress.update("listing", 1000);
 * await progress.close();
 * ```
 */
export function renderStatsProgress(ctx: CliContext, location: string): StatsProgressHandle {
  let phase: "listing" | "computing" = "listing";
  let objects = 0;
  const element = () => <StatsProgress location={location} phase={phase} objects={objects} />;
  const instance = render(element(), inkOptions(ctx));
  return {
    update(nextPhase, seen) {
      phase = nextPhase;
      objects = seen;
      instance.rerender(element());
    },
    async close() {
      // An empty last frame: unmounting keeps whatever was drawn last.
      instance.rerender(null);
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
