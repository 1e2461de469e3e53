import {
  CancelledError,
  formatS3Uri,
  hasCode,
  InvalidArgumentError,
  mapLimit,
  type ProgressListener,
} from "@dg/core";
import type {
  BatchItemResult,
  BatchOptions,
  BatchResult,
  DownloadFilesItem,
  DownloadFilesOptions,
  UploadFilesItem,
  UploadFilesOptions,
} from "./batch-types.js";
import type { ClientContext } from "./context.js";
import type { DownloadResult, UploadResult } from "./simple-types.js";
import { downloadFile, uploadFile } from "./transfer.js";

const DEFAULT_CONCURRENCY = 4;

/** One file's work: run it with the batch's signal and a per-file progress listener. */
type FileTask<R> = (signal: AbortSignal, onProgress: ProgressListener) => Promise<R>;

/**
 * Run file tasks `concurrency` at a time, each with its own outcome (one that fails does not
 * stop the others), reporting every file's progress through one listener with running totals.
 * An aborted signal stops starting new files and rejects with `CancelledError` once the running
 * ones have stopped.
 */
async function runBatch<R>(
  tasks: readonly { readonly label: string; readonly run: FileTask<R> }[],
  options: BatchOptions,
): Promise<BatchResult<R>> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`Invalid concurrency: ${concurrency}`, {
      hint: "Give a whole number of files in flight, at least 1.",
    });
  }
  const controller = new AbortController();
  const outer = options.signal;
  const stop = () => controller.abort(outer?.reason);
  if (outer?.aborted) stop();
  outer?.addEventListener("abort", stop, { once: true });
  const totals = { files: tasks.length, done: 0, failed: 0, bytes: 0 };
  const emit = options.onProgress;
  try {
    const results = await mapLimit(
      tasks.map((task, index) => ({ task, index })),
      concurrency,
      async ({ task, index }): Promise<BatchItemResult<R> | undefined> => {
        if (controller.signal.aborted) return undefined;
        const { label } = task;
        const onProgress: ProgressListener = (event) => {
          if (event.type === "start") {
            emit?.({
              type: "file-start",
              index,
              label,
              ...(event.totalBytes === undefined ? {} : { totalBytes: event.totalBytes }),
              totals: { ...totals },
            });
          } else if (event.type === "bytes") {
            totals.bytes += event.bytes;
            emit?.({ type: "file-bytes", index, label, bytes: event.bytes, totals: { ...totals } });
          }
        };
        try {
          const result = await task.run(controller.signal, onProgress);
          totals.done += 1;
          emit?.({ type: "file-done", index, label, totals: { ...totals } });
          return { index, ok: true, result };
        } catch (caught) {
          if (controller.signal.aborted || hasCode(caught, "CANCELLED")) return undefined;
          const error = caught instanceof Error ? caught : new Error(String(caught));
          totals.failed += 1;
          emit?.({ type: "file-failed", index, label, error, totals: { ...totals } });
          return { index, ok: false, error };
        }
      },
    );
    if (controller.signal.aborted) {
      throw new CancelledError(`Batch cancelled after ${totals.done} of ${tasks.length} files`, {
        cause: outer?.reason,
      });
    }
    const settled = results.filter((r): r is BatchItemResult<R> => r !== undefined);
    return { results: settled, succeeded: totals.done, failed: totals.failed };
  } finally {
    outer?.removeEventListener("abort", stop);
  }
}

/**
 * Run `one` over `items` as a batch: the batch's own options (`concurrency`, `onProgress`,
 * `signal`) are taken out, the rest goes to every file with its signal and progress listener.
 */
function runEach<I, O extends BatchOptions, R>(
  items: readonly I[],
  options: O,
  label: (item: I) => string,
  one: (
    item: I,
    perFile: Omit<O, keyof BatchOptions> & { signal: AbortSignal; onProgress: ProgressListener },
  ) => Promise<R>,
): Promise<BatchResult<R>> {
  const { concurrency, onProgress, signal, ...perFile } = options;
  return runBatch(
    items.map((item) => ({
      label: label(item),
      run: (fileSignal: AbortSignal, fileProgress: ProgressListener) =>
        one(item, { ...perFile, signal: fileSignal, onProgress: fileProgress }),
    })),
    {
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(onProgress === undefined ? {} : { onProgress }),
      ...(signal === undefined ? {} : { signal }),
    },
  );
}

/** Upload many files with bounded concurrency; every file gets its own result or error. */
export function uploadFiles(
  ctx: ClientContext,
  items: readonly UploadFilesItem[],
  options: UploadFilesOptions = {},
): Promise<BatchResult<UploadResult>> {
  return runEach(
    items,
    options,
    (item) => item.path,
    (item, perFile) => uploadFile(ctx, item.path, item.to, perFile),
  );
}

/**
 * Download many objects with bounded concurrency, each atomically and verified as
 * `downloadFile` does; every object gets its own result or error.
 */
export function downloadFiles(
  ctx: ClientContext,
  items: readonly DownloadFilesItem[],
  options: DownloadFilesOptions = {},
): Promise<BatchResult<DownloadResult>> {
  return runEach(
    items,
    options,
    (item) =>
      typeof item.from === "string" ? item.from : formatS3Uri(item.from.bucket, item.from.key),
    (item, perFile) => downloadFile(ctx, item.from, item.path, perFile),
  );
}
