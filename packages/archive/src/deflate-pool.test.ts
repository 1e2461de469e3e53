import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CancelledError, InternalError } from "@dg/core";
import { afterEach, describe, expect, it } from "vitest";
import { firstRelease } from "../test/corpus.js";
import { writeTar } from "../test/tar-writer.js";
import type { DeflateJob } from "./deflate-jobs.js";
import { runDeflateJob } from "./deflate-jobs.js";
import type { DeflatePool } from "./deflate-pool.js";
import { createDeflatePool } from "./deflate-pool.js";

const data = writeTar(firstRelease(71, { files: 30, meanSize: 5000 }));
const params = { engine: "zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 0 } as const;
const job = (i: number): Extract<DeflateJob, { kind: "deflate" }> => ({
  kind: "deflate",
  params,
  piece: { history: new Uint8Array(0), input: data.slice(i * 1000), position: 0, final: true },
});
const failing = new URL("../test/workers/failing-worker.mjs", import.meta.url);

let pool: DeflatePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("createDeflatePool", () => {
  it("runs jobs on worker threads with the results of running them inline", async () => {
    pool = createDeflatePool({ size: 2 });
    const jobs = Array.from({ length: 6 }, (_, i) => job(i));
    const results = await Promise.all(jobs.map((j) => (pool as DeflatePool).run(j)));
    for (let i = 0; i < jobs.length; i++) {
      expect(
        Buffer.from(results[i] as Uint8Array).equals(runDeflateJob(job(i)) as Uint8Array),
      ).toBe(true);
    }
  });

  it("warm starts the workers ahead of the jobs, which then run on them; a closed pool stays closed", async () => {
    const warmed = createDeflatePool({ size: 2 });
    pool = warmed;
    warmed.warm();
    warmed.warm(); // no more than size
    const results = await Promise.all([0, 1, 2].map((i) => warmed.run(job(i))));
    for (const [i, result] of results.entries()) {
      expect(Buffer.from(result).equals(runDeflateJob(job(i)) as Uint8Array)).toBe(true);
    }
    await warmed.close();
    warmed.warm();
    await expect(warmed.run(job(0))).rejects.toBeInstanceOf(InternalError);
  });

  it("runs a job alongside fewer jobs than `alongside`, waiting in turn otherwise", async () => {
    const counters = new SharedArrayBuffer(8);
    pool = createDeflatePool({
      size: 2,
      script: new URL("../test/workers/counting-worker.mjs", import.meta.url),
      workerData: { counters },
    });
    const busy = pool;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => busy.run(job(i), undefined, { alongside: 1 })),
    );
    for (const [i, result] of results.entries()) {
      expect(Buffer.from(result).equals(runDeflateJob(job(i)) as Uint8Array)).toBe(true);
    }
    expect(new Int32Array(counters)[1]).toBe(1);
  });

  it("idle workers, warmed or done with their jobs, do not keep the process alive", () => {
    const pool = new URL("../dist/deflate-pool.js", import.meta.url).href;
    const script = `
      const { createDeflatePool } = await import(${JSON.stringify(pool)});
      const pool = createDeflatePool({ size: 2 });
      pool.warm();
      const params = { engine: "zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 0 };
      const piece = { history: new Uint8Array(0), input: new Uint8Array(5000).fill(7), position: 0, final: true };
      await pool.run({ kind: "deflate", params, piece });
      console.log("done");`;
    const dir = mkdtempSync(join(tmpdir(), "dg-pool-exit-"));
    const file = join(dir, "child.mjs");
    writeFileSync(file, script);
    // The guard only stops a child that would never exit; the assertion is that it exits.
    const child = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(child.stdout.trim(), child.stderr).toBe("done");
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });

  it("trim stops idle workers only: a running job finishes, later jobs get new workers", async () => {
    pool = createDeflatePool({ size: 2 });
    const running = pool.run(job(1));
    const finished = await pool.run(job(2));
    pool.trim(); // one worker idle (job 2's), one running job 1
    const results = [await running, finished, await pool.run(job(4))];
    for (const [i, n] of [1, 2, 4].entries()) {
      expect(
        Buffer.from(results[i] as Uint8Array).equals(runDeflateJob(job(n)) as Uint8Array),
      ).toBe(true);
    }
  });

  it("runs jobs inline with size 0", async () => {
    pool = createDeflatePool({ size: 0 });
    const result = await pool.run(job(3));
    expect(Buffer.from(result).equals(runDeflateJob(job(3)) as Uint8Array)).toBe(true);
  });

  for (const mode of ["answer", "throw", "exit"]) {
    it(`a worker that fails (${mode}) rejects its job with InternalError`, async () => {
      pool = createDeflatePool({ size: 2, script: failing, workerData: { mode } });
      const results = await Promise.allSettled([pool.run(job(0)), pool.run(job(1))]);
      for (const result of results) {
        expect(result.status).toBe("rejected");
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InternalError);
      }
    });
  }

  it("an abort cancels queued and running jobs, stopping the busy worker", async () => {
    pool = createDeflatePool({ size: 1, script: failing, workerData: { mode: "hang" } });
    const controller = new AbortController();
    const running = pool.run(job(0), controller.signal);
    const queued = pool.run(job(1), controller.signal);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
  });

  it("listens to a caller's signal once, however many jobs wait on it, and lets go after", async () => {
    pool = createDeflatePool({ size: 2 });
    const controller = new AbortController();
    const jobs = Array.from({ length: 40 }, (_, i) =>
      (pool as DeflatePool).run(job(i % 20), controller.signal),
    );
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    await Promise.all(jobs);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("closing rejects what is left", async () => {
    pool = createDeflatePool({ size: 1, script: failing, workerData: { mode: "hang" } });
    const pending = pool.run(job(0)).catch((error: unknown) => error);
    await pool.close();
    expect(await pending).toBeInstanceOf(InternalError);
  });
});
