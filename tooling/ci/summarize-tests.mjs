// Sums the vitest JSON reports of every workspace package into the one line CI reads:
// "N passed, N failed" (vitest's own summary is not a line CI recognises).
//   node tooling/ci/summarize-tests.mjs [exit status of the test command]
// A test file that failed to load (no test ran in it) counts as one failure, and so does a
// failing test command that left no failure in any report (a typecheck or build step).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ["packages", "apps", "tooling"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const report = join(group, name, "test-results.json");
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed += json.numPassedTests ?? 0;
    failed += (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
    skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    for (const file of json.testResults ?? []) {
      const failedHere = (file.assertionResults ?? []).some((a) => a.status === "failed");
      if (file.status === "failed" && !failedHere) failed++;
    }
  }
}
const status = Number(process.argv[2] ?? 0);
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
