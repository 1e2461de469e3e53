// `pnpm bench`: runs every registered benchmark (after the build) in its own node process.
//   node tooling/bench/run.mjs            all benchmarks
//   node tooling/bench/run.mjs xdelta     only the named one(s); extra args go to the bench
// To add a benchmark, add an entry to BENCHMARKS: { name, script } (script relative to the
// repository root, run with `node`).
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const BENCHMARKS = [
  { name: "xdelta", script: "packages/xdelta/bench/run.mjs" },
  { name: "sdk", script: "packages/sdk/bench/run.mjs" },
  { name: "archive", script: "packages/archive/bench/run.mjs" },
  { name: "cli", script: "apps/cli/bench/run.mjs" },
  { name: "references", script: "packages/sdk/bench/references.mjs" },
  // ls -r, stats and a sharded migration on large buckets (issue 18); long: minutes at full size.
  { name: "scale", script: "packages/sdk/bench/scale.mjs" },
  // Not a speed figure: the 10,000-case mutation fuzz of deltas (see packages/archive/fuzz/).
  { name: "fuzz", script: "packages/archive/bench/fuzz.mjs" },
];

// Child benchmarks load the AWS SDK; its Node-version notice is noise here (toolchain.md G12).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const [selected, ...rest] = process.argv.slice(2);
const chosen = selected === undefined ? BENCHMARKS : BENCHMARKS.filter((b) => b.name === selected);
if (chosen.length === 0) {
  console.error(
    `unknown benchmark: ${selected} (known: ${BENCHMARKS.map((b) => b.name).join(", ")})`,
  );
  process.exit(2);
}
let failed = 0;
for (const bench of chosen) {
  console.log(`\n== ${bench.name} ==`);
  const result = spawnSync(process.execPath, [join(root, bench.script), ...rest], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark ${bench.name} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
