import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the Python DeltaGlider was found, or why it cannot be used. */
export type PythonToolLookup =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: string };

/** `../shared/tools/…` beside the repository: present on the team's machines, never in a user's clone. */
const SHARED_TOOL = "../shared/tools/python-deltaglider-6.1.2/dg";

function repositoryRoot(): string {
  // tooling/testkit/{src,dist}/python-tool.{ts,js} → the repository root.
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
}

/**
 * Find the Python DeltaGlider 6.1.2 for interoperability tests: `DG_PYTHON_TOOL`, else
 * `../shared/tools/python-deltaglider-6.1.2/dg` beside the repository; it must run
 * (`--version`), which needs python3 with boto3, click and cryptography.
 *
 * @example
 * ```ts
 * const python = findPythonTool();
 * describe.skipIf(!python.found)(`with the Python tool${python.found ? "" : ` (skipped: ${python.reason})`}`, …);
 * ```
 */
export function findPythonTool(env: NodeJS.ProcessEnv = process.env): PythonToolLookup {
  const path = env.DG_PYTHON_TOOL ?? join(repositoryRoot(), SHARED_TOOL);
  if (!existsSync(path)) {
    return {
      found: false,
      reason: `the Python DeltaGlider is not at ${env.DG_PYTHON_TOOL ? path : SHARED_TOOL} (set DG_PYTHON_TOOL to its dg script)`,
    };
  }
  const probe = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (probe.error || probe.status !== 0) {
    const why =
      probe.error?.message ?? (probe.stderr.trim().split("\n").pop() || `exit ${probe.status}`);
    return { found: false, reason: `the Python DeltaGlider at ${path} does not run: ${why}` };
  }
  return { found: true, path };
}
