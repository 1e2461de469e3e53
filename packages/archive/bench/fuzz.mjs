// `pnpm bench fuzz`: the seeded mutation fuzz of deltas (fuzz/fuzz.mjs) at full size, 10,000
// cases by default, each decoded in its own child process with a timeout. Prints progress,
// then the counts and every failure (its delta kept in .bench-data/fuzz/ for replay); exit 1
// when any case failed.
//   node packages/archive/bench/fuzz.mjs [cases] [seed]     (DG_FUZZ_CASES, DG_FUZZ_SEED)
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { runFuzz } from "../fuzz/fuzz.mjs";

const cases = Number(process.argv[2] ?? process.env.DG_FUZZ_CASES ?? 10_000);
const seed = Number(process.argv[3] ?? process.env.DG_FUZZ_SEED ?? 1);
const keepDir = join(process.cwd(), ".bench-data", "fuzz");
await mkdir(keepDir, { recursive: true });
const started = Date.now();
const report = await runFuzz({
  cases,
  seed,
  concurrency: Math.max(1, availableParallelism()),
  keepDir,
  onCase(counts, failures) {
    if (counts.cases % 500 === 0 || counts.cases === cases) {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      console.log(`${counts.cases}/${cases} cases, ${failures.length} failures (${seconds} s)`);
    }
  },
});
console.log(`bases: ${report.bases.join("; ")}`);
console.log(
  `${report.counts.cases} cases (seed ${seed}): ${report.counts.errors} refused with a DgError, ${report.counts.intact} decoded to the original bytes, ${report.failures.length} failed`,
);
for (const failure of report.failures) console.log(JSON.stringify(failure));
if (report.leftovers.length > 0)
  console.log(`left in the temporary folder: ${report.leftovers.join(", ")}`);
process.exitCode = report.failures.length === 0 && report.leftovers.length === 0 ? 0 : 1;
