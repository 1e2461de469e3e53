import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * The integration tests run the built package in child processes, so build it first
 * (`tsc -b` is incremental: a no-op when dist is up to date).
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const packageRoot = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [tsc, "-b"], { cwd: packageRoot, stdio: "inherit" });
}
