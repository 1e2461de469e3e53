// `pnpm bench archive`: the archive-aware delta's benchmarks, each in its own process:
//   (a) real npm releases as zip, tgz and tar, through the SDK on moto  (packages/sdk/bench/archive-releases.mjs)
//   (b) a seeded 256 MiB jar pair beside xdelta3                       (jar-pair.mjs)
//   seeded: savings per format on a seeded release-like corpus         (seeded.mjs)
//   node packages/archive/bench/run.mjs [--parts a,b,seeded] [options of the parts]
// Default parts: a,b. Other options go to every part (each ignores those it does not know),
// e.g. --baseline DIR (a), --mb 256 --entries 3000 --variants zlib (b), --rounds N (a, b).
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const PARTS = {
  a: resolve(here, "../../sdk/bench/archive-releases.mjs"),
  b: join(here, "jar-pair.mjs"),
  seeded: join(here, "seeded.mjs"),
};
const args = process.argv.slice(2);
const at = args.indexOf("--parts");
const parts = at >= 0 ? (args[at + 1] ?? "").split(",") : ["a", "b"];
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
let failed = 0;
for (const part of parts) {
  const script = PARTS[part];
  if (script === undefined) {
    console.error(`unknown part ${part} (known: ${Object.keys(PARTS).join(", ")})`);
    process.exit(2);
  }
  console.log(`\n-- archive (${part}) --`);
  const result = spawnSync(process.execPath, [script, ...rest], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
