import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRng, runChild, seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestInstruction, writeTestDelta } from "../../test/fixtures-decode/vcdiff-writer.js";
import { missingNodeFlags, REQUIRED_NODE_FLAGS } from "./node-flags.js";

const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
/** Long enough for a loaded machine to decode (about 2 s); a run still going after it hung. */
const HANG_MS = 20_000;
const RUNS = 24;
/**
 * A V8 testing flag that makes each background TurboFan job wait 100 ms before it compiles, so
 * that jobs are still running when the decoder gives up: without the fix about a third of the
 * runs hung here (against a few in a hundred without the flag). The fix makes it moot: the
 * command compiles on the main thread.
 */
const WIDEN_THE_RACE = "--concurrent-recompilation-delay=100";

let dir: string;
let source: string;
let damaged: string;

/**
 * An 8 MB source and a delta of ~2,700 COPYs of its pieces, shuffled, whose last COPY reads
 * from beyond the window: the decoder works long enough for TurboFan to compile its hot
 * functions in the background, then refuses the delta and exits.
 */
async function writeDamagedDelta(): Promise<void> {
  const rng = createRng(20_161);
  const size = 8_000_000;
  const pieces: { address: number; size: number }[] = [];
  for (let at = 0; at < size; ) {
    const length = Math.min(rng.int(1000, 6000), size - at);
    pieces.push({ address: at, size: length });
    at += length;
  }
  for (let i = 0; i + 1 < pieces.length; i += 2) {
    if (rng.next() < 0.5) [pieces[i], pieces[i + 1]] = [pieces[i + 1]!, pieces[i]!];
  }
  const instructions: TestInstruction[] = pieces.map((piece) => ({ type: "copy", ...piece }));
  // Source segment then target window: nothing lives at this address yet.
  instructions.push({ type: "copy", address: 2 * size + 5, size: 100, mode: 0 });
  const delta = writeTestDelta([
    { segment: { from: "source", position: 0, length: size }, instructions },
  ]);
  await writeFile(source, seededBytes("exit-source", size));
  await writeFile(damaged, delta);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-xdelta-exit-"));
  source = join(dir, "source.bin");
  damaged = join(dir, "damaged.delta");
  await writeDamagedDelta();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("dg-xdelta ends after refusing a damaged delta", () => {
  it(
    `exits with status 1 and one error, ${RUNS} runs out of ${RUNS}`,
    async () => {
      const outcomes: string[] = [];
      const runOnce = async (i: number) => {
        const run = await runChild(
          process.execPath,
          [WIDEN_THE_RACE, MAIN, "-d", "-f", "-s", source, damaged, join(dir, `out-${i}`)],
          { timeoutMs: HANG_MS },
        );
        outcomes[i] = run.timedOut
          ? "hung"
          : `exit ${run.status ?? run.signal}: ${run.stderr.split("\n")[0]}`;
      };
      // Two at a time: few cores here, and load made the hang likelier, not less likely.
      for (let i = 0; i < RUNS; i += 2) await Promise.all([runOnce(i), runOnce(i + 1)]);
      const expected = outcomes[0];
      expect(expected).toMatch(/^exit 1: dg-xdelta: Invalid VCDIFF delta: /);
      expect(outcomes.filter((outcome) => outcome !== expected)).toEqual([]);
      // Room for every pair to hang, so that a regression reports its "hung" runs.
    },
    (RUNS / 2 + 2) * HANG_MS,
  );

  it("names the flags it needs in its shebang, so an installed bin starts only once", async () => {
    const shebang = (await readFile(MAIN, "utf8")).split("\n")[0] ?? "";
    expect(shebang.startsWith("#!/usr/bin/env -S node ")).toBe(true);
    expect(missingNodeFlags(shebang.split(" ").slice(3), {})).toEqual([]);
  });

  it("run as `node main.js`, starts itself again with the flags and passes on the status", async () => {
    const echo = join(dir, "flags.mjs");
    await writeFile(
      echo,
      [
        `import { missingNodeFlags, relaunchWithNodeFlags } from ${JSON.stringify(join(MAIN, "../node-flags.js"))};`,
        "const missing = missingNodeFlags(process.execArgv, process.env);",
        "if (missing.length > 0) await relaunchWithNodeFlags(missing);",
        "else { console.log(JSON.stringify(process.execArgv)); process.exitCode = 7; }",
      ].join("\n"),
    );
    const run = await runChild(process.execPath, [echo], { timeoutMs: HANG_MS });
    expect(run.status).toBe(7);
    expect(JSON.parse(run.stdout)).toEqual(expect.arrayContaining([...REQUIRED_NODE_FLAGS]));
  });
});

describe("missingNodeFlags", () => {
  it("lists the required flags node was started without", () => {
    expect(missingNodeFlags([], {})).toEqual([...REQUIRED_NODE_FLAGS]);
    expect(missingNodeFlags(["--inspect", ...REQUIRED_NODE_FLAGS], {})).toEqual([]);
  });

  it("never asks the relaunched child to relaunch again", () => {
    expect(missingNodeFlags([], { DG_XDELTA_RELAUNCHED: "1" })).toEqual([]);
  });
});
