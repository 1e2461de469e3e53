import type { Argv } from "yargs";
import { filterRulesFromArgs, type PathFilter, createPathFilter } from "../lib/filters.js";
import { UsageError } from "../lib/errors.js";
import type { CliContext } from "../context.js";
import { envNameOf } from "../lib/env-options.js";

/** `--exclude`/`--include`, repeatable, in aws's order rules. */
export function withFilterOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("exclude", {
      type: "string",
      array: true,
      describe:
        "Skip files matching this pattern (relative to the source folder or prefix; * matches across /, ? one character, [...] a set). Repeatable; later --exclude/--include flags win",
    })
    .option("include", {
      type: "string",
      array: true,
      describe: "Take files matching this pattern back in after an --exclude. Repeatable",
    });
}

/** Flags of commands that move files. */
export function withTransferOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("dryrun", {
      type: "boolean",
      describe: "Show what would be done without doing it",
    })
    .option("quiet", { alias: "q", type: "boolean", describe: "Print only errors" })
    .option("no-progress", {
      type: "boolean",
      describe: "No progress screen, plain lines only (also when not in a terminal)",
    })
    .option("no-delta", {
      type: "boolean",
      describe: "Store files whole, not as deltas",
    })
    .option("max-ratio", {
      type: "number",
      describe:
        "Largest delta kept, as a fraction of the file size in (0, 1]; a larger delta is discarded and the file stored whole (default 0.5)",
    })
    .option("concurrency", {
      type: "number",
      describe: "Files transferred in parallel (default 4)",
    });
}

/** Options shared by commands that move files, after parsing. */
export interface TransferFlags {
  readonly dryrun?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  readonly noProgress?: boolean | undefined;
  readonly noDelta?: boolean | undefined;
  readonly maxRatio?: number | undefined;
  readonly concurrency?: number | undefined;
}

/** Check and default the transfer flags. */
export function transferSettings(flags: TransferFlags) {
  const concurrency = flags.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 64, not ${concurrency}`, {
      hint: `Pass e.g. --concurrency 8 (or set ${envNameOf("concurrency")}).`,
    });
  }
  if (flags.maxRatio !== undefined && !(flags.maxRatio > 0 && flags.maxRatio <= 1)) {
    throw new UsageError(`--max-ratio must be in (0, 1], not ${flags.maxRatio}`, {
      hint: "Pass e.g. --max-ratio 0.5 (or set DG_MAX_RATIO): deltas larger than half the file are not kept.",
    });
  }
  return {
    concurrency,
    dryrun: flags.dryrun === true,
    quiet: flags.quiet === true,
    progress: flags.noProgress !== true,
    delta: flags.noDelta !== true,
    ...(flags.maxRatio === undefined ? {} : { maxRatio: flags.maxRatio }),
  };
}

export type TransferSettings = ReturnType<typeof transferSettings>;

/**
 * The filter of this run: `DG_EXCLUDE`/`DG_INCLUDE` first (weakest), then the flags in their
 * command-line order.
 */
export function filterFrom(
  ctx: CliContext,
  flags: {
    readonly exclude?: readonly string[] | undefined;
    readonly include?: readonly string[] | undefined;
  },
): PathFilter {
  const fromArgs = filterRulesFromArgs(ctx.argv);
  const rules = [...fromArgs];
  const argCount = (type: "exclude" | "include") =>
    fromArgs.filter((rule) => rule.type === type).length;
  // Values yargs saw that the raw arguments do not hold came from the environment.
  for (const type of ["exclude", "include"] as const) {
    const values = flags[type] ?? [];
    if (values.length > 0 && argCount(type) === 0) {
      rules.unshift(...values.map((pattern) => ({ type, pattern })));
    }
  }
  return createPathFilter(rules);
}
