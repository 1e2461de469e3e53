import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CancelledError, InternalError, InvalidArgumentError, throwIfAborted } from "@dg/core";
import type { DeflateJob, DeflateJobResults } from "./deflate-jobs.js";
import { runDeflateJob } from "./deflate-jobs.js";

/** Runs deflate jobs on worker threads, one job per worker at a time, first come first served. */
export interface DeflatePool {
  /** Worker threads the pool runs at most (0: jobs run on the calling thread). */
  readonly size: number;
  /**
   * Run a job. Rejects with `InternalError` when the job throws or its worker dies, and with
   * `CancelledError` when `signal` aborts (a running job's worker is then stopped).
   */
  run<K extends DeflateJob["kind"]>(
    job: Extract<DeflateJob, { kind: K }>,
    signal?: AbortSignal,
    options?: RunOptions,
  ): Promise<DeflateJobResults[K]>;
  /**
   * Stop the workers that have no job (their memory goes back to the system); the pool starts
   * new ones for later jobs.
   */
  trim(): void;
  /**
   * Start `count` workers now (at most `size`), so that they are loaded and ready when the
   * first jobs come; they do not keep the process alive while idle.
   */
  warm(count?: number): void;
  /** Stop every worker; jobs still queued or running are rejected. */
  close(): Promise<void>;
}

/** How a job is handed over. */
export interface RunOptions {
  /**
   * Move the job's arrays to the worker instead of copying them: only for arrays the caller
   * made for this job alone (each a whole `ArrayBuffer`); they are unusable afterwards.
   */
  readonly transfer?: boolean;
  /**
   * Run while fewer than this many jobs run on the pool's workers (it waits in the queue
   * otherwise): a caller with work of its own on the calling thread leaves it a core.
   */
  readonly alongside?: number;
}

export interface DeflatePoolOptions {
  /** Worker threads; default the machine's available parallelism. 0 runs jobs inline. */
  readonly size?: number;
  /** The worker's script (tests substitute failing ones). Default: `deflate-worker.js`. */
  readonly script?: URL;
  /** `workerData` of each worker (for substituted scripts). */
  readonly workerData?: unknown;
}

/** A request to a worker, and its answer. */
export interface WorkerRequest {
  readonly id: number;
  readonly job: DeflateJob;
}
export type WorkerAnswer =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** The compiled worker script; from the sources (tests), the built one next to them. */
function defaultScript(): URL {
  return import.meta.url.endsWith(".ts")
    ? new URL("../dist/deflate-worker.js", import.meta.url)
    : new URL("./deflate-worker.js", import.meta.url);
}

interface Task {
  readonly job: DeflateJob;
  readonly transfer: boolean;
  readonly alongside: number;
  readonly signal: AbortSignal | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Stop waiting for the signal (the task settled). */
  release(): void;
  /** Cancel the task: its signal aborted. */
  abort(): void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | undefined;
  taskId: number;
  /** Set once the worker is stopping or stopped; it takes no more work. */
  gone: boolean;
}

/**
 * A pool of deflate workers, started on first use; idle workers do not keep the process
 * alive. A worker that dies is replaced for later jobs.
 *
 * @example
 * ```ts
 * const pool = createDeflatePool();
 * const bytes = await pool.run({ kind: "deflate", params, piece });
 * ```
 */
export function createDeflatePool(options: DeflatePoolOptions = {}): DeflatePool {
  const size = options.size ?? availableParallelism();
  if (!Number.isInteger(size) || size < 0) {
    throw new InvalidArgumentError(`deflate pool size must be a non-negative integer, got ${size}`);
  }
  const script = options.script ?? defaultScript();
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  /**
   * The tasks waiting on each caller's signal, behind one listener per signal: a long archive
   * queues thousands of jobs on one signal, and one listener each would pass Node's limit.
   */
  const watched = new Map<AbortSignal, { tasks: Set<Task>; onAbort: () => void }>();

  function watch(signal: AbortSignal, task: Task): void {
    let entry = watched.get(signal);
    if (entry === undefined) {
      const tasks = new Set<Task>();
      const onAbort = (): void => {
        watched.delete(signal);
        for (const t of [...tasks]) t.abort();
      };
      entry = { tasks, onAbort };
      watched.set(signal, entry);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    entry.tasks.add(task);
  }

  function unwatch(signal: AbortSignal | undefined, task: Task): void {
    if (signal === undefined) return;
    const entry = watched.get(signal);
    if (entry === undefined || !entry.tasks.delete(task)) return;
    if (entry.tasks.size === 0) {
      watched.delete(signal);
      signal.removeEventListener("abort", entry.onAbort);
    }
  }

  function settleFailure(slot: Slot, error: Error): void {
    slot.gone = true;
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    const task = slot.task;
    slot.task = undefined;
    if (task !== undefined) {
      task.release();
      task.reject(error);
    }
    pump();
  }

  function spawn(): Slot {
    const worker = new Worker(script, {
      workerData: options.workerData,
      // Jobs hold their data outside the heap: a small young generation keeps each worker lean.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    const slot: Slot = { worker, task: undefined, taskId: -1, gone: false };
    worker.on("message", (answer: WorkerAnswer) => {
      const task = slot.task;
      if (task === undefined || answer.id !== slot.taskId) return;
      slot.task = undefined;
      task.release();
      worker.unref();
      if (answer.ok) task.resolve(answer.result);
      else task.reject(new InternalError(`archive worker: ${answer.message}`));
      pump();
    });
    worker.on("error", (error) => {
      settleFailure(
        slot,
        new InternalError(`archive worker failed: ${error.message}`, { cause: error }),
      );
    });
    worker.on("exit", (code) => {
      if (!slot.gone || slot.task !== undefined) {
        settleFailure(slot, new InternalError(`archive worker exited (code ${code})`));
      }
    });
    // After the listeners: a 'message' listener refs the worker's port again.
    worker.unref();
    slots.push(slot);
    return slot;
  }

  function pump(): void {
    while (queue.length > 0 && !closed) {
      const running = slots.reduce((n, s) => (s.task === undefined ? n : n + 1), 0);
      if (running >= (queue[0] as Task).alongside) return;
      let slot = slots.find((s) => s.task === undefined && !s.gone);
      if (slot === undefined) {
        if (slots.length >= size) return;
        slot = spawn();
      }
      const task = queue.shift() as Task;
      slot.task = task;
      slot.taskId = nextId++;
      slot.worker.ref();
      // Jobs are copied unless the caller gave their arrays away: they may be views of
      // memory the caller still uses.
      slot.worker.postMessage(
        { id: slot.taskId, job: task.job } satisfies WorkerRequest,
        task.transfer ? ownedBuffers(task.job) : [],
      );
    }
  }

  function runInline(job: DeflateJob, signal: AbortSignal | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          throwIfAborted(signal);
          resolve(runDeflateJob(job));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  return {
    size,
    run<K extends DeflateJob["kind"]>(
      job: Extract<DeflateJob, { kind: K }>,
      signal?: AbortSignal,
      runOptions: RunOptions = {},
    ): Promise<DeflateJobResults[K]> {
      if (closed) return Promise.reject(new InternalError("deflate pool is closed"));
      if (signal?.aborted) {
        return Promise.reject(new CancelledError("Operation cancelled", { cause: signal.reason }));
      }
      if (size === 0) return runInline(job, signal) as Promise<DeflateJobResults[K]>;
      return new Promise((resolve, reject) => {
        const abort = (): void => {
          const queued = queue.indexOf(task);
          if (queued >= 0) queue.splice(queued, 1);
          const slot = slots.find((s) => s.task === task);
          if (slot !== undefined) {
            // A running job cannot be interrupted: stop its worker.
            slot.gone = true;
            slot.task = undefined;
            slots.splice(slots.indexOf(slot), 1);
            void slot.worker.terminate();
          }
          task.release();
          reject(new CancelledError("Operation cancelled", { cause: signal?.reason }));
          pump();
        };
        const task: Task = {
          job,
          transfer: runOptions.transfer === true,
          alongside: runOptions.alongside ?? size,
          signal,
          resolve: resolve as (value: unknown) => void,
          reject,
          release: () => unwatch(signal, task),
          abort,
        };
        if (signal !== undefined) watch(signal, task);
        queue.push(task);
        pump();
      });
    },
    warm(count = size): void {
      while (!closed && slots.length < Math.min(size, count)) spawn();
    },
    trim(): void {
      for (const slot of slots.filter((s) => s.task === undefined && !s.gone)) {
        slot.gone = true;
        slots.splice(slots.indexOf(slot), 1);
        void slot.worker.terminate();
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const task of queue.splice(0)) {
        task.release();
        task.reject(new InternalError("deflate pool closed"));
      }
      const stopping = slots.splice(0).map((slot) => {
        slot.gone = true;
        const task = slot.task;
        slot.task = undefined;
        if (task !== undefined) {
          task.release();
          task.reject(new InternalError("deflate pool closed"));
        }
        return slot.worker.terminate();
      });
      await Promise.all(stopping);
    },
  };
}

/** The whole `ArrayBuffer`s behind a job's arrays (views of part of one are left alone). */
function ownedBuffers(job: DeflateJob): ArrayBuffer[] {
  const views = [job.piece.history, job.piece.input];
  if (job.kind !== "deflate") views.push(job.expected.bytes);
  const owned = new Set<ArrayBuffer>();
  for (const v of views) {
    const whole = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;
    if (whole && v.buffer instanceof ArrayBuffer && v.byteLength > 0) owned.add(v.buffer);
  }
  return [...owned];
}
