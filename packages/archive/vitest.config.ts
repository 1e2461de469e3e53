import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    // The fuzz runs the built package in child processes.
    globalSetup: ["@dg/testkit/build-dist-global-setup"],
    testTimeout: 120_000,
    // Setup hooks do the same I/O as tests (moto, seeded stores): vitest's 10 s default timed
    // out on a loaded machine.
    hookTimeout: 120_000,
  },
});
