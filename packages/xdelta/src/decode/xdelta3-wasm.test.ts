import { describe, expect, it } from "vitest";
import { init, xd3_decode_memory, xd3_encode_memory, xd3_smatch_cfg } from "xdelta3-wasm";
import {
  decodeAll,
  hasXdelta3,
  scenarios,
  xdelta3Encode,
} from "../../test/fixtures-decode/harness.js";

// xdelta3-wasm (xdelta3 compiled to WebAssembly, 16 MiB of memory) as a third, independent
// implementation, on inputs of a few hundred KB.
await init();
const xdelta3 = await hasXdelta3();
const SMATCH = [xd3_smatch_cfg.DEFAULT, xd3_smatch_cfg.SLOW, xd3_smatch_cfg.FASTEST];

describe("cross-checks with xdelta3-wasm", () => {
  for (const [i, smatch] of SMATCH.entries()) {
    for (const scenario of scenarios(300 + i, 200_000)) {
      it(`decodes what xdelta3-wasm encodes: ${scenario.name} (smatch ${smatch})`, async () => {
        const limit = scenario.target.length * 2 + 4096;
        const encoded = xd3_encode_memory(scenario.target, scenario.source, limit, smatch);
        expect(encoded.str).toBe("SUCCESS");
        const out = await decodeAll(scenario.source, encoded.output);
        expect(Buffer.from(out).equals(Buffer.from(scenario.target))).toBe(true);
      });
    }
  }

  describe.skipIf(!xdelta3)("agrees with xdelta3-wasm on deltas of the xdelta3 binary", () => {
    for (const scenario of scenarios(400, 300_000)) {
      it(scenario.name, async () => {
        const delta = await xdelta3Encode(scenario.source, scenario.target, [
          "-9",
          "-D",
          "-R",
          "-S",
          "none",
          "-W",
          "65536",
        ]);
        const theirs = xd3_decode_memory(delta, scenario.source, scenario.target.length + 1);
        expect(theirs.str).toBe("SUCCESS");
        const ours = await decodeAll(scenario.source, delta);
        expect(Buffer.from(ours).equals(Buffer.from(theirs.output))).toBe(true);
        expect(Buffer.from(ours).equals(Buffer.from(scenario.target))).toBe(true);
      });
    }
  });
});
