// CLI start-up benchmark: wall time of the built `deltaglider` binary, spawned as a user runs it.
//   node apps/cli/bench/run.mjs        (after a build; `pnpm bench cli` does both)
// Prints the median of several runs of `deltaglider --version`, `--help`, and `stats --json`
// answered from the cache (a hit: listing + cache read) on a file:// store and on moto, for
// buckets of ~10, 1,000 and 5,000 stored objects: wall time, and the CLI's own CPU time
// (user + system, from /usr/bin/time when installed), which a busy machine disturbs less.
// Environment: DG_BENCH_CLI_RUNS (default 7) runs per figure; DG_BENCH_CLI_SIZES (default
// "10,1000,5000") the bucket sizes; DG_BENCH_CLI_COMPARE=<path of another build's main.js>
// adds its figures beside ours, runs alternating, so that both see the same machine load.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createClient } from "@dg/sdk";
import { startMoto } from "@dg/testkit";
import { isolatedCliEnv } from "../../../tooling/bench/bench-util.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const builds = [
  { label: "this build", main: resolve(here, "../dist/main.js") },
  ...(process.env.DG_BENCH_CLI_COMPARE
    ? [{ label: "compared", main: resolve(process.env.DG_BENCH_CLI_COMPARE) }]
    : []),
];
const timeBinary = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const runs = Number(process.env.DG_BENCH_CLI_RUNS ?? 7);
const sizes = (process.env.DG_BENCH_CLI_SIZES ?? "10,1000,5000").split(",").map(Number);

function log(line) {
  process.stderr.write(`${line}\n`);
}

/**
 * Spawn a command once; resolve with its wall time and CPU time in ms (CPU `NaN` without
 * /usr/bin/time). Rejects on a non-zero exit.
 */
function timeCommand(argv, env) {
  return new Promise((resolvePromise, reject) => {
    const [command, ...args] = timeBinary ? [timeBinary, "-f", "cpu %U %S", ...argv] : argv;
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN;
      if (code !== 0) reject(new Error(`${argv.join(" ")} exited ${code}: ${stderr}`));
      else resolvePromise({ ms, cpuMs, stdout });
    });
  });
}

const timeCli = (main, args, env) => timeCommand([process.execPath, main, ...args], env);

const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median wall and CPU ms per build, the builds' runs alternating. */
async function median(args, env, check) {
  const times = builds.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < runs; i++) {
    for (const [b, build] of builds.entries()) {
      const { ms, cpuMs, stdout } = await timeCli(build.main, args, env);
      check?.(stdout);
      times[b].wall.push(ms);
      times[b].cpu.push(cpuMs);
    }
  }
  return times.map((t) => ({ wall: middle(t.wall), cpu: middle(t.cpu) }));
}

function expectCached(stdout) {
  if (JSON.parse(stdout).cached !== true) throw new Error("stats did not answer from its cache");
}

/** Fill a bucket with `count` small objects in 10 folders (direct objects: listing cost only). */
async function fill(client, bucket, count) {
  await client.createBucket({ Bucket: bucket });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = new TextEncoder().encode(`object ${i}\n`);
      await client.putObject({ Bucket: bucket, Key: `dir-${i % 10}/file-${i}.txt`, Body: body });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

const work = mkdtempSync(join(tmpdir(), "dg-cli-bench-"));
const home = join(work, "home");
mkdirSync(home);
mkdirSync(join(work, "store"));
const baseEnv = isolatedCliEnv(home);
const moto = await startMoto();
const rows = [];
try {
  rows.push(["node -e 0 (runtime floor)", await medianNode()]);
  rows.push(["deltaglider --version", await median(["--version"], baseEnv)]);
  rows.push(["deltaglider --help", await median(["--help"], baseEnv)]);
  for (const [label, endpoint] of [
    ["file://", pathToFileURL(join(work, "store")).href],
    ["moto", moto.endpoint],
  ]) {
    const env = { ...baseEnv, DG_ENDPOINT_URL: endpoint, DG_CACHE_BACKEND: "memory" };
    const client = createClient({ env });
    try {
      for (const size of sizes) {
        const bucket = `cli-bench-${size}`;
        log(`${label}: filling ${bucket} with ${size} objects…`);
        await fill(client, bucket, size);
        const misses = [];
        for (const build of builds) {
          // --refresh: each build computes (and stores) the figures once.
          const miss = await timeCli(build.main, ["stats", bucket, "--json", "--refresh"], env);
          misses.push({ wall: miss.ms, cpu: miss.cpuMs });
        }
        const hit = await median(["stats", bucket, "--json"], env, expectCached);
        rows.push([`stats, ${label}, ${size} objects: computed (one run)`, misses]);
        rows.push([`stats, ${label}, ${size} objects: cache hit`, hit]);
      }
    } finally {
      client.destroy();
    }
  }
} finally {
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}

async function medianNode() {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const { ms, cpuMs } = await timeCommand([process.execPath, "-e", "0"], baseEnv);
    wall.push(ms);
    cpu.push(cpuMs);
  }
  return builds.map(() => ({ wall: middle(wall), cpu: middle(cpu) }));
}

const fmt = (ms) => (Number.isNaN(ms) ? "–" : ms.toFixed(0));
console.log(
  `\nCLI times in ms, median of ${runs} runs, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(`| command | ${builds.map((b) => `${b.label} wall | ${b.label} CPU`).join(" | ")} |`);
console.log(`|---|${builds.map(() => "---|---").join("|")}|`);
for (const [label, figures] of rows) {
  console.log(`| ${label} | ${figures.map((f) => `${fmt(f.wall)} | ${fmt(f.cpu)}`).join(" | ")} |`);
}
