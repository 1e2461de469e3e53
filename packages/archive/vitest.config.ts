import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    testTimeout: 120_000,
    // beforeAll hooks encode deltas too: on a busy machine they need the same time.
    hookTimeout: 120_000,
  },
});
