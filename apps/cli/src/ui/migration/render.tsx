import { render } from "ink";
import type { CliContext } from "../../context.js";
import type { MigrationResult } from "../../lib/migration-summary.js";
import { inkOptions } from "../ink-options.js";
import type { ConfirmAnswer } from "../MigrateConfirm.js";
import { createMigrationController } from "./controller.js";
import { MigrationScreen } from "./MigrationScreen.js";
import type { MigrationSource } from "./source.js";

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Run a migration on its interactive screens: the plan with the projected savings (skipped
 * with `confirm: false`), then the live dashboard, then the summary, which stays on screen.
 * Only call it when the terminal can answer keys (`ctx.terminal.canPrompt`). Resolves with the
 * answer given at the plan, and the result of the run when it ran.
 *
 * @example
 * ```ts
 * const { answer, result } = await renderMigration(ctx, source, { confirm: true });
 * if (answer === "interrupt") throw new CancelledError("Interrupted at the confirmation");
 * ```
 */
export async function renderMigration(
  ctx: CliContext,
  source: MigrationSource,
  options: { readonly confirm: boolean },
): Promise<{ readonly answer: ConfirmAnswer; readonly result?: MigrationResult }> {
  const controller = createMigrationController({ summary: source.summary, intervalMs: 100 });
  const instance = render(<MigrationScreen controller={controller} />, inkOptions(ctx));
  // Ctrl-C reaches the screen as a key while it reads keys; a signal is handled the same way.
  const onAbort = () => {
    controller.answer("interrupt");
    controller.handleKey({ input: "c", key: { ctrl: true } });
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    let answer: ConfirmAnswer = "yes";
    if (options.confirm) {
      const estimating = new AbortController();
      let folders = 0;
      controller.setEstimate({ status: "measuring", folders });
      source
        .estimate({
          signal: estimating.signal,
          onFolder: () => controller.setEstimate({ status: "measuring", folders: ++folders }),
        })
        .then(
          (estimate) => controller.setEstimate({ status: "ready", estimate }),
          (error: unknown) => {
            if (!estimating.signal.aborted) {
              controller.setEstimate({ status: "failed", message: errorText(error) });
            }
          },
        );
      answer = await controller.answered;
      estimating.abort();
      if (ctx.signal.aborted) answer = "interrupt";
      if (answer !== "yes") return { answer };
    }
    const run = source.run({ reporter: controller.reporter, signal: ctx.signal });
    controller.begin(run);
    const result = await run.result;
    controller.finish(result);
    // Draw the summary now: the store's update would otherwise land after the unmount below.
    instance.rerender(<MigrationScreen controller={controller} />);
    return { answer, result };
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    instance.unmount();
    await instance.waitUntilExit();
  }
}
