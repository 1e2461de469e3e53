import {
  asFolderPrefix,
  CancelledError,
  formatS3Uri,
  hasCode,
  hashStream,
  InvalidArgumentError,
  mapLimit,
  type PutResult,
  type S3Uri,
  throwIfAborted,
} from "@dg/core";
import { createShardSelector } from "./shard.js";
import { type ClientContext, signalOption } from "./context.js";
import { createEventStream } from "./event-stream.js";
import { locationOf } from "./location.js";
import type {
  Migration,
  MigrationEvent,
  MigrationFailure,
  MigrationFile,
  MigrationPlan,
  MigrationResult,
  MigrationStopping,
  MigrateOptions,
  PlanMigrationOptions,
} from "./migrate-types.js";
import type { DirectReason } from "./object-types.js";
import { savingsOf } from "./objects.js";
import type { S3Location } from "./simple-types.js";

const DEFAULT_CONCURRENCY = 4;

function checkedConcurrency(value: number | undefined): number {
  const concurrency = value ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`Invalid concurrency: ${concurrency}`, {
      hint: "Give a whole number of files in flight, at least 1.",
    });
  }
  return concurrency;
}

/** The SHA-256 of a logical object: recorded in its metadata, else computed by reading it. */
async function sha256Of(
  ctx: ClientContext,
  object: S3Uri,
  recorded: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (recorded !== undefined) return recorded.toLowerCase();
  // No SHA-256 in its metadata (a foreign object): hash what a read returns, streamed.
  const { body } = await ctx.service.get(object.bucket, object.key, signalOption(signal));
  return (await hashStream(ctx.hasher, body, signalOption(signal))).sha256;
}

/**
 * Whether the file at the destination holds the same bytes as the source: equal original
 * sizes and equal SHA-256 (from deltaglider's metadata where recorded, else read). A failure
 * to tell counts as "not the same" (the file is copied again); cancellation is passed on.
 */
async function alreadyThere(
  ctx: ClientContext,
  source: S3Uri,
  destination: S3Uri,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    const [from, to] = await Promise.all([
      ctx.service.head(source.bucket, source.key, signalOption(signal)),
      ctx.service.head(destination.bucket, destination.key, signalOption(signal)),
    ]);
    if (from.size !== to.size) return false;
    const [a, b] = await Promise.all([
      sha256Of(ctx, source, from.sha256, signal),
      sha256Of(ctx, destination, to.sha256, signal),
    ]);
    return a === b;
  } catch (error) {
    throwIfAborted(signal);
    if (hasCode(error, "CANCELLED")) throw error;
    return false;
  }
}

/**
 * Plan a migration of every file under `source` (a folder) into `destination` (a folder): list
 * both, keep what `filter` accepts, and leave out the files a previous run already copied
 * (same size and SHA-256 at the destination), so that running a stopped migration again
 * resumes it. Nothing is written.
 */
export async function planMigration(
  ctx: ClientContext,
  sourceLocation: S3Location,
  destinationLocation: S3Location,
  options: PlanMigrationOptions = {},
): Promise<MigrationPlan> {
  const concurrency = checkedConcurrency(options.concurrency);
  const given = {
    source: locationOf(sourceLocation),
    destination: locationOf(destinationLocation),
  };
  const source = { bucket: given.source.bucket, key: asFolderPrefixOrRoot(given.source.key) };
  const destination = {
    bucket: given.destination.bucket,
    key: asFolderPrefixOrRoot(given.destination.key),
  };
  if (
    source.bucket === destination.bucket &&
    (source.key.startsWith(destination.key) || destination.key.startsWith(source.key))
  ) {
    throw new InvalidArgumentError(
      `The source ${formatS3Uri(source.bucket, source.key)} and the destination ${formatS3Uri(destination.bucket, destination.key)} overlap`,
      { hint: "Migrate into another bucket or a prefix outside the source." },
    );
  }
  const { signal } = options;
  const shard = options.shard === undefined ? undefined : createShardSelector(options.shard);
  const existing = new Map<string, number>();
  for await (const object of ctx.service.listAll(destination.bucket, {
    ...(destination.key === "" ? {} : { prefix: destination.key }),
    ...signalOption(signal),
  })) {
    const relative = object.key.slice(destination.key.length);
    if (shard === undefined || shard.includes(relative)) existing.set(relative, object.size);
  }
  const candidates: MigrationFile[] = [];
  let inAllShards = 0;
  for await (const object of ctx.service.listAll(source.bucket, {
    ...(source.key === "" ? {} : { prefix: source.key }),
    ...signalOption(signal),
  })) {
    const relative = object.key.slice(source.key.length);
    if (relative === "" || relative.endsWith("/")) continue;
    if (options.filter !== undefined && !options.filter(relative)) continue;
    inAllShards += 1;
    // Each shard takes its own files by their source-relative key, with no other coordination.
    if (shard !== undefined && !shard.includes(relative)) continue;
    candidates.push({
      key: relative,
      source: { bucket: source.bucket, key: object.key },
      destination: { bucket: destination.bucket, key: `${destination.key}${relative}` },
      size: object.size,
    });
  }
  const skip = new Set<string>();
  await mapLimit(
    candidates.filter((file) => existing.get(file.key) === file.size),
    concurrency,
    async (file) => {
      if (await alreadyThere(ctx, file.source, file.destination, signal)) skip.add(file.key);
    },
  );
  throwIfAborted(signal);
  const files = candidates.filter((file) => !skip.has(file.key));
  return {
    source,
    destination,
    files,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    skipped: skip.size,
    ...(shard === undefined ? {} : { inAllShards }),
  };
}

function asFolderPrefixOrRoot(key: string): string {
  return key === "" ? "" : asFolderPrefix(key);
}

type MigrationProgress = Extract<MigrationEvent, { type: "progress" }>;

/**
 * Run a migration plan: copy its files `concurrency` at a time (each rebuilt from the source
 * and stored again as a delta where that pays), reporting every step as an event, under the
 * caller's control (pause, resume, stop, abort). A file that fails does not stop the others.
 * Starts at once; `result` resolves when no file is running any more.
 */
export function migrate(
  ctx: ClientContext,
  plan: MigrationPlan,
  options: MigrateOptions = {},
): Migration {
  const concurrency = checkedConcurrency(options.concurrency);
  const events = createEventStream<MigrationEvent>({
    keyOf: (event) => (event.type === "progress" ? String(event.index) : undefined),
    merge: (queued, next) =>
      queued.type === "progress" && next.type === "progress"
        ? { ...next, bytes: queued.bytes + next.bytes }
        : next,
  });
  const cancel = new AbortController();
  const outer = options.signal;
  let paused = options.paused === true;
  let stopping: MigrationStopping = "no";
  let finished = false;
  let wakers: (() => void)[] = [];
  const wakeAll = () => {
    const now = wakers;
    wakers = [];
    for (const wake of now) wake();
  };

  const abort = () => {
    if (finished || stopping === "now") return;
    stopping = "now";
    paused = false;
    events.push({ type: "stopping", mode: "now" });
    cancel.abort(new CancelledError("Migration stopped", { cause: outer?.reason }));
    wakeAll();
  };
  const onOuterAbort = () => abort();

  /** Resolves true when a new file may start, false once none may any more. */
  const mayStart = async (): Promise<boolean> => {
    while (paused && stopping === "no") {
      await new Promise<void>((resolve) => wakers.push(resolve));
    }
    return stopping === "no";
  };

  const counts = { migrated: 0, failed: 0, originalBytes: 0, storedBytes: 0, bytesDone: 0 };
  const direct: Partial<Record<DirectReason, number>> = {};
  const failures: MigrationFailure[] = [];

  const runFile = async (index: number, file: MigrationFile): Promise<void> => {
    events.push({ type: "file-started", index, file });
    let fileBytesDone = 0;
    let result: PutResult;
    try {
      result = await ctx.service.copy(
        file.source.bucket,
        file.source.key,
        file.destination.bucket,
        file.destination.key,
        {
          signal: cancel.signal,
          ...(options.delta === undefined ? {} : { delta: options.delta }),
          ...(options.maxRatio === undefined ? {} : { maxRatio: options.maxRatio }),
          ...(options.newReferenceRatio === undefined
            ? {}
            : { newReferenceRatio: options.newReferenceRatio }),
          onProgress: (event) => {
            if (event.type !== "bytes") return;
            fileBytesDone += event.bytes;
            counts.bytesDone += event.bytes;
            const progress: MigrationProgress = {
              type: "progress",
              index,
              file,
              bytes: event.bytes,
              fileBytesDone,
              bytesDone: counts.bytesDone,
            };
            events.push(progress);
          },
        },
      );
    } catch (caught) {
      // Cancelled by abort(): not a failure, the file is simply not migrated.
      if (cancel.signal.aborted) return;
      const error = caught instanceof Error ? caught : new Error(String(caught));
      counts.failed += 1;
      failures.push({ index, file, error });
      events.push({ type: "file-failed", index, file, error });
      return;
    }
    counts.migrated += 1;
    counts.originalBytes += result.originalSize;
    counts.storedBytes += result.storedSize;
    if (result.reason !== undefined) direct[result.reason] = (direct[result.reason] ?? 0) + 1;
    events.push({
      type: "file-done",
      index,
      file,
      storageType: result.storageType,
      storedKey: result.storedKey,
      originalSize: result.originalSize,
      storedSize: result.storedSize,
      savingsPercent: savingsOf(result.originalSize, result.storedSize).savingsPercent,
      ...(result.reason === undefined ? {} : { directReason: result.reason }),
      ...(result.referenceKey === undefined ? {} : { referenceKey: result.referenceKey }),
    });
  };

  events.push({
    type: "planned",
    files: plan.files.length,
    bytes: plan.bytes,
    skipped: plan.skipped,
  });
  if (paused) events.push({ type: "paused" });

  const run = async (): Promise<MigrationResult> => {
    // Let the caller take the migration (and its controls) before a file starts.
    await Promise.resolve();
    if (outer?.aborted) abort();
    else outer?.addEventListener("abort", onOuterAbort, { once: true });
    let next = 0;
    const lane = async () => {
      while (await mayStart()) {
        if (next >= plan.files.length) return;
        const index = next++;
        await runFile(index, plan.files[index] as MigrationFile);
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(concurrency, Math.max(1, plan.files.length)) }, lane),
      );
    } finally {
      outer?.removeEventListener("abort", onOuterAbort);
      finished = true;
    }
    const notStarted = plan.files.length - counts.migrated - counts.failed;
    const result: MigrationResult = {
      migrated: counts.migrated,
      skipped: plan.skipped,
      failed: counts.failed,
      notStarted,
      stopped: notStarted > 0,
      originalBytes: counts.originalBytes,
      storedBytes: counts.storedBytes,
      direct: { ...direct },
      failures: [...failures],
    };
    events.push({ type: "done", result });
    events.end();
    return result;
  };

  const result = run();
  result.catch((error: unknown) => events.fail(error));

  return {
    plan,
    get paused() {
      return paused;
    },
    get stopping() {
      return stopping;
    },
    pause() {
      if (finished || paused || stopping !== "no") return;
      paused = true;
      events.push({ type: "paused" });
    },
    resume() {
      if (finished || !paused || stopping !== "no") return;
      paused = false;
      events.push({ type: "resumed" });
      wakeAll();
    },
    stop() {
      if (finished || stopping !== "no") return;
      stopping = "after-running";
      paused = false;
      events.push({ type: "stopping", mode: "after-running" });
      wakeAll();
    },
    abort,
    result,
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
  };
}
