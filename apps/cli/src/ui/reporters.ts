import type { CliContext } from "../context.js";
import { createPlainReporter } from "./plain-reporter.js";
import type { TransferReporter } from "./reporter.js";

/**
 * The reporter for a batch of transfers: an Ink progress screen in an interactive terminal,
 * plain lines otherwise (pipes, CI, `--no-progress`, `--quiet`).
 */
export async function createReporter(
  ctx: CliContext,
  settings: { readonly progress: boolean; readonly quiet: boolean; readonly title?: string },
): Promise<TransferReporter> {
  if (settings.progress && !settings.quiet && ctx.terminal.interactive) {
    const { renderTransferProgress } = await import("./render.js");
    return renderTransferProgress(
      ctx,
      settings.title === undefined ? {} : { title: settings.title },
    );
  }
  return createPlainReporter(ctx.out, { quiet: settings.quiet });
}
