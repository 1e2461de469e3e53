import {
  createShardSelector,
  hasCode,
  resolveShard,
  type Shard,
  type ShardSelector,
} from "@dg/sdk/common";
import type { Argv } from "yargs";
import { filterRulesFromArgs, type PathFilter, createPathFilter } from "../lib/filters.js";
import { UsageError } from "../lib/errors.js";
import type { CliContext } from "../context.js";
import { envNamesOf } from "../lib/env-options.js";

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
    .option("new-reference-ratio", {
      type: "number",
      describe:
        "A file whose best delta is larger than this fraction of it, in (0, 1], becomes a new reference of its folder (kept under <folder>/.dg-refs/, readable by the Python DeltaGlider) so that later releases stay small deltas; files that resemble nothing still follow --max-ratio (default 0.35)",
    })
    .option("concurrency", {
      type: "number",
      describe:
        "Files transferred in parallel (default 4; also DG_FILE_CONCURRENCY, or DG_CONCURRENCY)",
    });
}

/**
 * aws's object-field flags (`--content-type`, `--cache-control`, …, `--metadata`,
 * `--metadata-directive`), for uploads and S3 → S3 copies; downloads ignore them, as in aws.
 * Checked by `objectFieldsFrom` (lib/object-fields.ts).
 */
export function withObjectFieldOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("content-type", {
      type: "string",
      describe:
        "Content-Type of the uploaded objects. Without it they get application/octet-stream (deltaglider never guesses from the file name, unlike aws)",
    })
    .option("no-guess-mime-type", {
      type: "boolean",
      describe:
        "Accepted for aws scripts and changes nothing: deltaglider never guesses the type from the file name",
    })
    .option("cache-control", {
      type: "string",
      describe: "Cache-Control header of the uploaded objects",
    })
    .option("content-disposition", {
      type: "string",
      describe: "Content-Disposition header, e.g. 'attachment; filename=\"app.zip\"'",
    })
    .option("content-encoding", { type: "string", describe: "Content-Encoding header" })
    .option("content-language", { type: "string", describe: "Content-Language header, e.g. en-US" })
    .option("expires", {
      type: "string",
      describe:
        "Expires header: an ISO 8601 date and time, e.g. 2030-01-01T00:00:00Z (no zone: UTC; kept to whole seconds)",
    })
    .option("metadata", {
      type: "string",
      describe:
        'User metadata: key=value,key2=value2 or a JSON object \'{"key":"value"}\' (keys are lower-cased; dg-* keys are deltaglider\'s own)',
    })
    .option("metadata-directive", {
      type: "string",
      choices: ["COPY", "REPLACE"],
      describe:
        "S3 to S3 copies: COPY keeps the source's content type, metadata and headers (the field flags are then ignored, as in aws); REPLACE sets only the ones given. Default COPY, or REPLACE when --metadata is given",
    });
}

/** What `--recover-external-compression` says, in the help of every command that has it. */
export const RECOVERY_FLAG_HELP =
  "Rebuild .tgz (and other gzip or xz) files that the Python DeltaGlider stored with deltas xdelta3 made over their decompressed content, which cannot give back the original bytes: the file is rebuilt from its decompressed content and compressed again, so it is CONTENT-EQUAL (same content once decompressed), NOT BYTE-IDENTICAL, and its SHA-256 cannot be checked (the delta's checksums of the decompressed content are)";

/** `--recover-external-compression` (cp, sync, verify). */
export function withRecoveryOption<T>(yargs: Argv<T>) {
  return yargs.option("recover-external-compression", {
    type: "boolean",
    describe: RECOVERY_FLAG_HELP,
  });
}

/** Options shared by commands that move files, after parsing. */
export interface TransferFlags {
  readonly dryrun?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  readonly noProgress?: boolean | undefined;
  readonly noDelta?: boolean | undefined;
  readonly maxRatio?: number | undefined;
  readonly newReferenceRatio?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly recoverExternalCompression?: boolean | undefined;
}

/** Check and default the transfer flags. */
export function transferSettings(flags: TransferFlags) {
  const concurrency = flags.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 64, not ${concurrency}`, {
      hint: `Pass e.g. --concurrency 8 (or set ${envNamesOf("concurrency")[0]}).`,
    });
  }
  if (flags.maxRatio !== undefined && !(flags.maxRatio > 0 && flags.maxRatio <= 1)) {
    throw new UsageError(`--max-ratio must be in (0, 1], not ${flags.maxRatio}`, {
      hint: "Pass e.g. --max-ratio 0.5 (or set DG_MAX_RATIO): deltas larger than half the file are not kept.",
    });
  }
  const { newReferenceRatio } = flags;
  if (newReferenceRatio !== undefined && !(newReferenceRatio > 0 && newReferenceRatio <= 1)) {
    throw new UsageError(`--new-reference-ratio must be in (0, 1], not ${newReferenceRatio}`, {
      hint: "Pass e.g. --new-reference-ratio 0.2 (or set DG_NEW_REFERENCE_RATIO): a delta above a fifth of the file makes the file a new reference.",
    });
  }
  return {
    concurrency,
    dryrun: flags.dryrun === true,
    quiet: flags.quiet === true,
    progress: flags.noProgress !== true,
    delta: flags.noDelta !== true,
    ...(flags.maxRatio === undefined ? {} : { maxRatio: flags.maxRatio }),
    ...(newReferenceRatio === undefined ? {} : { newReferenceRatio }),
    recoverExternalCompression: flags.recoverExternalCompression === true,
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

/** `--shard K/N` and `--shard-count N` (migrate, sync). */
export function withShardOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("shard", {
      type: "string",
      describe:
        "Take only shard K of N (K from 0 to N-1) of the files, so that N processes or machines split the work with nothing shared but the bucket: a file belongs to shard (first 8 bytes of SHA-256 of its key relative to the source) mod N. Also DG_SHARD=K/N",
    })
    .option("shard-count", {
      type: "string",
      describe:
        "Split the work into N shards and take the one given by the job-array index: AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs) or JOB_COMPLETION_INDEX (Kubernetes indexed Jobs; N is the Job's completions). Also DG_SHARD_COUNT",
    });
}

/**
 * The shard of this run (`--shard`, or `--shard-count` with a job-array index variable), as a
 * selector of source-relative keys; `undefined` when the work is not split. Bad values are
 * usage errors (exit 2).
 */
export function shardFrom(
  ctx: CliContext,
  flags: { readonly shard?: string | undefined; readonly shardCount?: string | undefined },
): ShardSelector | undefined {
  let shard: Shard | undefined;
  try {
    shard = resolveShard({
      shard: flags.shard,
      shardCount: flags.shardCount,
      env: ctx.io.env,
      names: { shard: "--shard", shardCount: "--shard-count" },
    });
  } catch (error) {
    if (!hasCode(error, "INVALID_ARGUMENT")) throw error;
    throw new UsageError(error.message, {
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
  return shard === undefined ? undefined : createShardSelector(shard);
}

/** The filter with the shard's selection on top: a file must pass both. */
export function shardedFilter(filter: PathFilter, shard: ShardSelector | undefined): PathFilter {
  if (shard === undefined) return filter;
  return {
    rules: filter.rules,
    includes: (relative) => filter.includes(relative) && shard.includes(relative),
  };
}
