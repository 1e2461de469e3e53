// A deflate worker that also counts the jobs running at once across all workers of a pool,
// in the shared counters workerData gives: [running now, most at once].
import { parentPort, workerData } from "node:worker_threads";
import { runDeflateJob } from "../../dist/deflate-jobs.js";

const counters = new Int32Array(workerData.counters);

parentPort.on("message", ({ id, job }) => {
  const now = Atomics.add(counters, 0, 1) + 1;
  for (let most = Atomics.load(counters, 1); now > most; most = Atomics.load(counters, 1)) {
    if (Atomics.compareExchange(counters, 1, most, now) === most) break;
  }
  const result = runDeflateJob(job);
  Atomics.sub(counters, 0, 1);
  parentPort.postMessage({ id, ok: true, result });
});
