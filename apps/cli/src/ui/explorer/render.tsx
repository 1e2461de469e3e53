import { render } from "ink";
import type { CliContext } from "../../context.js";
import { ALTERNATE_SCREEN, inkOptions } from "../ink-options.js";
import { createExplorerController } from "./controller.js";
import type { StatsSource } from "./source.js";
import type { ExplorerState } from "./state.js";
import { StatsExplorer } from "./StatsExplorer.js";

/**
 * Open the interactive `stats` screen on the terminal's alternate screen and return once the
 * user quits, with the figures last shown (for the summary left on the normal screen). Only
 * call it when the terminal can answer keys (`ctx.terminal.canPrompt`). When the first load
 * fails there is nothing to explore: the screen closes and the error is thrown.
 *
 * @example
 * ```ts
 * const last = await renderStatsExplorer(ctx, source);
 * if (last.stats) await renderStatsDashboard(ctx, last.stats, last.provenance);
 * ```
 */
export async function renderStatsExplorer(
  ctx: CliContext,
  source: StatsSource,
): Promise<Pick<ExplorerState, "stats" | "provenance">> {
  const stdout = ctx.io.stdout;
  const controller = createExplorerController({
    source,
    size: { columns: stdout.columns || 80, rows: stdout.rows || 24 },
  });
  stdout.write(ALTERNATE_SCREEN.enter);
  const instance = render(<StatsExplorer controller={controller} />, inkOptions(ctx));
  const onAbort = () => controller.quit();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  controller.start();
  let outcome: { readonly failure?: unknown };
  try {
    outcome = await controller.done;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    controller.dispose();
    instance.unmount();
    await instance.waitUntilExit();
    stdout.write(ALTERNATE_SCREEN.leave);
  }
  if (outcome.failure !== undefined) throw outcome.failure;
  const { stats, provenance } = controller.getState();
  return {
    ...(stats === undefined ? {} : { stats }),
    ...(provenance === undefined ? {} : { provenance }),
  };
}
