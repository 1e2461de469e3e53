import { describe, expect, it } from "vitest";
import { runFuzz } from "../fuzz/fuzz.mjs";

// The seeded mutation fuzz of deltas (fuzz/fuzz.mjs), a few hundred cases per run, each
// decoded in a child process of its own with a timeout: no hang, no crash, no output other
// than the original file, bounded memory, nothing left in the temporary folder.
// `pnpm bench fuzz` runs 10,000 (DG_FUZZ_CASES and DG_FUZZ_SEED change both).
const CASES = Number(process.env.DG_FUZZ_CASES ?? 200);
const SEED = Number(process.env.DG_FUZZ_SEED ?? 20_161);

describe("damaged deltas, VCDIFF and archive-aware", () => {
  it(
    `${CASES} seeded cases: every one ends, with the original bytes or a DgError`,
    async () => {
      const report = await runFuzz({ cases: CASES, seed: SEED, timeoutMs: 60_000 });
      expect(report.bases.some((name) => name.includes("dg-archive"))).toBe(true);
      expect(report.failures).toEqual([]);
      expect(report.leftovers).toEqual([]);
      expect(report.counts.cases).toBe(CASES);
    },
    // One child at a time on a loaded machine takes about a second.
    CASES * 3_000,
  );
});
