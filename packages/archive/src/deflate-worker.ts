// The script of each deflate worker thread: runs the jobs the pool posts, one at a time.
import { parentPort } from "node:worker_threads";
import { runDeflateJob } from "./deflate-jobs.js";
import type { WorkerAnswer, WorkerRequest } from "./deflate-pool.js";

const port = parentPort;
if (port === null) throw new Error("deflate-worker runs as a worker thread");

port.on("message", ({ id, job }: WorkerRequest) => {
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
});
