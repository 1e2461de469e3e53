import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import type { TestProject } from "vitest/node";

/**
 * A vitest `globalSetup` module for packages whose tests run their built `dist/` in child
 * processes: it builds the package first (`tsc -b` is incremental, a no-op when `dist/` is up
 * to date). `pnpm test` builds only a package's dependencies, not the package itself.
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { globalSetup: ["@dg/testkit/build-dist-global-setup"] } });
 * ```
 */
export default function setup(project: TestProject): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b"], { cwd: project.config.root, stdio: "inherit" });
}
