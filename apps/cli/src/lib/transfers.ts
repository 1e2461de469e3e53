import type { ProgressListener } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import type { StoredBytes, TransferReporter } from "../ui/reporter.js";
import { hintOf, isCancellation, stackLines } from "./errors.js";
import { runPool } from "./pool.js";
import { failureLine, type TransferVerb, transferLine } from "./transfer-lines.js";

/** What a finished job reports for its line and for "saved so far". */
export interface JobOutcome {
  readonly note?: string;
  readonly stored?: StoredBytes;
}

/** One file to move (or delete), with how to show it and how to do it. */
export interface TransferJob {
  readonly verb: TransferVerb;
  /** As shown: `./a.zip`, `s3://b/a.zip`. */
  readonly source: string;
  readonly destination?: string;
  /** Original bytes it moves, when known (for progress). */
  readonly bytes?: number;
  /** Set when the job must not run (an unsafe key): reported as a failure, even in a dry run. */
  readonly refused?: unknown;
  run(options: {
    readonly signal: AbortSignal;
    readonly onProgress: ProgressListener;
  }): Promise<JobOutcome | undefined>;
}

export interface RunTransfersOptions {
  readonly concurrency: number;
  readonly dryrun: boolean;
  readonly reporter: TransferReporter;
}

export interface TransferSummary {
  readonly succeeded: number;
  readonly failed: number;
}

/**
 * Run jobs in parallel (bounded), printing one aws-style line per file: `upload: a to b`, or
 * `upload failed: a to b: <message>` with its hint on stderr. A failed file does not stop the
 * others; Ctrl-C does (the running ones are aborted through the signal) and is rethrown.
 *
 * @example
 * ```ts
 * const { failed } = await runTransfers(ctx, jobs, { concurrency: 4, dryrun: false, reporter });
 * return failed > 0 ? 1 : 0;
 * ```
 */
export async function runTransfers(
  ctx: CliContext,
  jobs: readonly TransferJob[],
  options: RunTransfersOptions,
): Promise<TransferSummary> {
  const { reporter } = options;
  if (options.dryrun) {
    let refused = 0;
    for (const [id, job] of jobs.entries()) {
      if (job.refused !== undefined) {
        refused += 1;
        reporter.fail(id, failureLines(ctx, job, job.refused));
      } else {
        reporter.finish(id, transferLine(job.verb, job.source, job.destination, { dryrun: true }));
      }
    }
    return { succeeded: jobs.length - refused, failed: refused };
  }
  const known = jobs.every((job) => job.bytes !== undefined);
  reporter.plan(
    jobs.length,
    known ? jobs.reduce((sum, job) => sum + (job.bytes ?? 0), 0) : undefined,
  );
  let succeeded = 0;
  let failed = 0;
  let cancelled: unknown;
  await runPool(
    jobs.entries(),
    options.concurrency,
    async ([id, job]) => {
      reporter.start(id, job.destination ?? job.source, job.bytes);
      ctx.out.debug(`${job.verb} started: ${job.source}`);
      let moved = 0;
      let quarters = 0;
      try {
        const outcome = await job.run({
          signal: ctx.signal,
          onProgress: (event) => {
            if (event.type !== "bytes") return;
            reporter.advance(id, event.bytes);
            if (ctx.globals.debug && job.bytes) {
              moved += event.bytes;
              const quarter = Math.floor((moved / job.bytes) * 4);
              if (quarter > quarters && quarter < 4) {
                quarters = quarter;
                ctx.out.debug(`${job.verb} progress: ${job.source} ${quarter * 25}%`);
              }
            }
          },
        });
        succeeded += 1;
        reporter.finish(
          id,
          transferLine(job.verb, job.source, job.destination, {
            ...(outcome?.note ? { note: outcome.note } : {}),
          }),
          outcome?.stored,
        );
      } catch (error) {
        if (ctx.signal.aborted || isCancellation(error)) {
          cancelled ??= error;
          throw error;
        }
        failed += 1;
        reporter.fail(id, failureLines(ctx, job, error));
      }
    },
    ctx.signal,
  ).catch((error: unknown) => {
    if (cancelled === undefined) throw error;
  });
  if (cancelled !== undefined || ctx.signal.aborted) {
    throw cancelled ?? ctx.signal.reason;
  }
  return { succeeded, failed };
}

/** `verb failed: source to destination: message`, its hint, and the stack with --debug. */
function failureLines(ctx: CliContext, job: TransferJob, error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [failureLine(job.verb, job.source, job.destination, message)];
  const hint = hintOf(error);
  if (hint) lines.push(`  hint: ${hint}`);
  if (ctx.globals.debug) lines.push(...stackLines(error));
  return lines;
}
