import type { TestProject } from "vitest/node";
import { startMoto } from "./moto.js";

/**
 * A vitest `globalSetup` module: starts one moto server for the whole run and provides its URL
 * as `inject("s3Endpoint")`. Use it from a package's `vitest.config.ts`:
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { globalSetup: ["@dg/testkit/moto-global-setup"] } });
 * ```
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  project.provide("s3Endpoint", moto.endpoint);
  return () => moto.stop();
}
