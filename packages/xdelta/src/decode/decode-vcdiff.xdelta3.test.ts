import { IntegrityError, UnsupportedError } from "@dg/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  concat,
  createRng,
  decodeAll,
  randomBytes,
  hasXdelta3,
  scenarios,
  xdelta3Encode,
} from "../../test/fixtures-decode/harness.js";

// Round trips through the xdelta3 binary (Debian package xdelta3, 3.0.11 here).
const available = await hasXdelta3();

const FLAG_SETS: readonly (readonly string[])[] = [
  ["-9", "-D", "-R"], // LZMA secondary compression (the default), checksum, app header
  ["-9", "-D", "-R", "-S", "none"],
  ["-9", "-D", "-R", "-n"], // no checksum
  ["-9", "-D", "-R", "-A"], // no application header
  ["-1", "-D", "-R", "-S", "none", "-n", "-A"],
  ["-9", "-D", "-R", "-W", "16384", "-B", "524288"], // many small windows
  ["-6", "-D", "-R", "-W", "65536", "-S", "none"],
];

describe.skipIf(!available)("decodeVcdiff against xdelta3 -e", () => {
  for (const flags of FLAG_SETS) {
    describe(flags.join(" "), () => {
      for (const scenario of scenarios(flags.length * 7919, 150_000)) {
        it(scenario.name, async () => {
          const delta = await xdelta3Encode(scenario.source, scenario.target, flags);
          const out = await decodeAll(scenario.source, delta);
          expect(out.length).toBe(scenario.target.length);
          expect(Buffer.from(out).equals(Buffer.from(scenario.target))).toBe(true);
        });
      }
    });
  }

  it("decodes sizes that are not a multiple of the window, with many windows", async () => {
    const [, , , , appended] = scenarios(99, 1_000_003);
    const delta = await xdelta3Encode(appended!.source, appended!.target, [
      "-9",
      "-D",
      "-R",
      "-W",
      "16384",
    ]);
    const out = await decodeAll(appended!.source, delta, {}, 1000);
    expect(Buffer.from(out).equals(Buffer.from(appended!.target))).toBe(true);
  });

  it("follows xdelta3's LZMA streams when some windows leave sections uncompressed", async () => {
    // Alternating incompressible and compressible windows: xdelta3 compresses the instruction
    // and address sections of only some windows, continuing one xz stream per section kind.
    const rng = createRng(3);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 24; i++) parts.push(randomBytes(rng, 16384, i % 2 === 0 ? 256 : 4));
    const target = concat(...parts);
    const delta = await xdelta3Encode(new Uint8Array(0), target, ["-9", "-D", "-R", "-W", "16384"]);
    const out = await decodeAll(new Uint8Array(0), delta);
    expect(Buffer.from(out).equals(Buffer.from(target))).toBe(true);
  });

  it("fails with IntegrityError against the wrong source (checksum)", async () => {
    const [, , , , appended] = scenarios(5, 100_000);
    const delta = await xdelta3Encode(appended!.source, appended!.target, ["-9", "-D", "-R"]);
    const wrong = appended!.source.slice();
    wrong[500] = (wrong[500]! + 1) & 0xff;
    await expect(decodeAll(wrong, delta)).rejects.toBeInstanceOf(IntegrityError);
    // With verifyChecksums: false the caller takes over (DeltaGlider checks SHA-256 itself).
    const unchecked = await decodeAll(wrong, delta, { verifyChecksums: false });
    expect(unchecked.length).toBe(appended!.target.length);
  });

  for (const secondary of ["djw", "fgk"]) {
    it(`names the native engine for -S ${secondary}`, async () => {
      // Low-entropy inserted data, so that xdelta3 does compress the data section.
      const rng = createRng(11);
      const source = randomBytes(rng, 100_000);
      const target = concat(source.subarray(0, 50_000), randomBytes(rng, 60_000, 8), source);
      const delta = await xdelta3Encode(source, target, ["-9", "-D", "-R", "-S", secondary]);
      const error = await decodeAll(source, delta).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as UnsupportedError).hint).toContain("DG_DELTA_ENGINE=xdelta3");
    });
  }
});

describe("xdelta3 availability", () => {
  beforeAll(() => undefined);
  it.runIf(process.env.CI === "true")("has the xdelta3 binary in CI", () => {
    expect(available).toBe(true);
  });
});
