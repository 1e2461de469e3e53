import { describe, expect, it } from "vitest";
import { deferred, type Deferred } from "../../test/screen-fakes.js";
import { createContext } from "../context.js";
import { createPlainReporter } from "../ui/plain-reporter.js";
import { createOutput } from "./output.js";
import { createPauseGate } from "./transfer-gate.js";
import { runTransfers, type TransferJob } from "./transfers.js";

function context() {
  const printed: string[] = [];
  const stream = {
    write(text: string) {
      printed.push(text);
      return true;
    },
  };
  const io = {
    stdout: stream,
    stderr: stream,
    stdin: process.stdin,
    env: {},
    cwd: "/",
    signal: new AbortController().signal,
  };
  const ctx = createContext({
    io,
    out: createOutput({
      stdout: stream,
      stderr: stream,
      color: false,
      debug: false,
      redact: (t) => t,
    }),
    terminal: { interactive: false, canPrompt: false, color: false, columns: 80 },
    globals: { debug: false },
    argv: [],
    createClient: () => {
      throw new Error("no client in this test");
    },
  });
  return { ctx, printed };
}

/** Jobs that each wait for the test to let them finish. */
function heldJobs(count: number) {
  const started: number[] = [];
  const release: Deferred<void>[] = Array.from({ length: count }, () => deferred<void>());
  const jobs: TransferJob[] = release.map((gate, index) => ({
    verb: "copy",
    source: `s3://a/f${index}`,
    destination: `s3://b/f${index}`,
    bytes: 1,
    async run() {
      started.push(index);
      await gate.promise;
      return undefined;
    },
  }));
  return { jobs, started, release };
}

async function turns(n: number) {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe("runTransfers with a gate", () => {
  it("starts no file while paused, the running one finishing, and goes on when resumed", async () => {
    const { ctx, printed } = context();
    const { jobs, started, release } = heldJobs(3);
    const gate = createPauseGate();
    const reporter = createPlainReporter(ctx.out, { quiet: false });
    const run = runTransfers(ctx, jobs, { concurrency: 1, dryrun: false, reporter, gate });
    await turns(3);
    expect(started).toEqual([0]);
    gate.pause();
    release[0]?.resolve();
    await turns(10);
    expect(started).toEqual([0]);
    expect(printed.join("")).toContain("copy: s3://a/f0 to s3://b/f0");
    gate.resume();
    await turns(3);
    expect(started).toEqual([0, 1]);
    release[1]?.resolve();
    release[2]?.resolve();
    expect(await run).toEqual({ succeeded: 3, failed: 0 });
  });

  it("ends the batch when the gate stops: running files finish, the others never start", async () => {
    const { ctx } = context();
    const { jobs, started, release } = heldJobs(4);
    const gate = createPauseGate();
    const reporter = createPlainReporter(ctx.out, { quiet: false });
    const run = runTransfers(ctx, jobs, { concurrency: 2, dryrun: false, reporter, gate });
    const settled = run.then(
      () => "resolved",
      (error: unknown) => error,
    );
    await turns(3);
    expect(started).toEqual([0, 1]);
    gate.stop();
    release[0]?.resolve();
    release[1]?.resolve();
    expect(await settled).toMatchObject({ code: "CANCELLED" });
    expect(started).toEqual([0, 1]);
  });
});
