// The script of each deflate worker thread: runs the jobs the pool posts, one at a time.
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";
import { runDeflateJob } from "./deflate-jobs.js";
import type { WorkerAnswer, WorkerRequest } from "./deflate-pool.js";

const port = parentPort;
if (port === null) throw new Error("deflate-worker runs as a worker thread");

/**
 * Dead arrays (the jobs' inputs, the deflaters' windows and outputs) live outside the heap;
 * V8 collects them only once their total passes its own limit (tens of MB), which a worker
 * whose heap barely grows reaches long after its jobs are done, and it keeps that memory
 * while idle (through the inner delta, the largest part of an encode). Once it has grown by
 * this much since the last collection, the worker collects after its job.
 */
const COLLECT_AFTER = 2 * 1024 * 1024;
/** The isolate's collector, when the runtime lets this thread have it. */
const collect = ((): ((options?: { type: "minor" | "major" }) => void) | undefined => {
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function"
      ? (gc as (options?: { type: "minor" | "major" }) => void)
      : undefined;
  } catch {
    return undefined;
  }
})();

/** A worker with nothing to do for this long collects, whatever it holds. */
const IDLE_MS = 50;
/** External memory after the last collection (what was live then). */
let collectedAt = 0;
let idle: ReturnType<typeof setTimeout> | undefined;

function collectNow(type: "minor" | "major"): void {
  if (collect === undefined) return;
  try {
    collect({ type });
  } catch {
    // A runtime whose collector takes no options: collect fully.
    collect();
  }
  collectedAt = getHeapStatistics().external_memory;
}

port.on("message", ({ id, job }: WorkerRequest) => {
  clearTimeout(idle);
  let answer: WorkerAnswer;
  const transfer: ArrayBuffer[] = [];
  try {
    const result = runDeflateJob(job);
    if (result instanceof Uint8Array) {
      const owned =
        result.byteOffset === 0 && result.byteLength === result.buffer.byteLength
          ? result
          : new Uint8Array(result);
      if (owned.buffer instanceof ArrayBuffer) transfer.push(owned.buffer);
      answer = { id, ok: true, result: owned };
    } else {
      answer = { id, ok: true, result };
    }
  } catch (error) {
    answer = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer, transfer);
  if (collect === undefined) return;
  const external = getHeapStatistics().external_memory;
  // A job's arrays are young: a young-generation collection (cheap) frees them.
  if (external > collectedAt + COLLECT_AFTER) collectNow("minor");
  else if (external > collectedAt) idle = setTimeout(() => collectNow("major"), IDLE_MS).unref();
});
