import { isDgError } from "@dg/core";
import { describe, expect, it } from "vitest";
import {
  concat,
  createRng,
  decodeAll,
  hasXdelta3,
  randomBytes,
  xdelta3Encode,
} from "../../test/fixtures-decode/harness.js";
import { writeTestDelta } from "../../test/fixtures-decode/vcdiff-writer.js";

// Seeded damage to valid deltas: every result must be a DgError or the right output (when
// the damage hits bytes that do not matter). Anything else (a RangeError, a hang, wrong
// bytes) fails. All bases carry Adler-32 checksums, so wrong bytes cannot pass silently.

interface Base {
  readonly name: string;
  readonly source: Uint8Array;
  readonly target: Uint8Array;
  readonly delta: Uint8Array;
}

async function bases(): Promise<Base[]> {
  const rng = createRng(4242);
  const source = randomBytes(rng, 40_000, 16);
  const target = concat(
    source.subarray(0, 15_000),
    randomBytes(rng, 2_000, 4),
    source.subarray(20_000),
    source.subarray(5_000, 9_000),
  );
  const list: Base[] = [];
  const first = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const second = Uint8Array.from([3, 4, 5, 6, 7, 9, 9, 9, 9, 9, 9, 6, 7]);
  list.push({
    name: "handmade VCD_TARGET",
    source: new Uint8Array(0),
    target: concat(first, second),
    delta: writeTestDelta([
      { instructions: [{ type: "add", bytes: first }], checksumOf: first },
      {
        segment: { from: "target", position: 2, length: 5 },
        instructions: [
          { type: "copy", address: 0, size: 5 },
          { type: "run", byte: 9, size: 6 },
          { type: "copy", address: 3, size: 2 },
        ],
        checksumOf: second,
      },
    ]),
  });
  // A source segment over 1 MiB with sparse copies: decoded with the planning pass.
  const large = randomBytes(rng, 3_000_000);
  const sparseTarget = concat(
    large.subarray(100, 400),
    large.subarray(1_500_000, 1_500_050),
    randomBytes(rng, 20),
    large.subarray(2_999_000, 2_999_990),
  );
  list.push({
    name: "handmade sparse segment",
    source: large,
    target: sparseTarget,
    delta: writeTestDelta([
      {
        segment: { from: "source", position: 0, length: large.length },
        instructions: [
          { type: "copy", address: 100, size: 300 },
          { type: "copy", address: 1_500_000, size: 50 },
          { type: "add", bytes: sparseTarget.subarray(350, 370) },
          { type: "copy", address: 2_999_000, size: 990 },
        ],
        checksumOf: sparseTarget,
      },
    ]),
  });
  if (await hasXdelta3()) {
    for (const flags of [
      ["-9", "-D", "-R"],
      ["-9", "-D", "-R", "-S", "none"],
      ["-9", "-D", "-R", "-W", "16384"],
    ]) {
      list.push({
        name: `xdelta3 ${flags.join(" ")}`,
        source,
        target,
        delta: await xdelta3Encode(source, target, flags),
      });
    }
  }
  return list;
}

type Mutation = (delta: Uint8Array, rng: () => number) => Uint8Array;

const mutations: Record<string, Mutation> = {
  "bit flip": (d, rng) => {
    const m = d.slice();
    const flips = 1 + (rng() % 3);
    for (let i = 0; i < flips; i++) m[rng() % m.length]! ^= 1 << (rng() % 8);
    return m;
  },
  truncation: (d, rng) => d.slice(0, rng() % d.length),
  "byte insertion": (d, rng) => {
    const at = rng() % (d.length + 1);
    return concat(d.subarray(0, at), Uint8Array.of(rng() % 256), d.subarray(at));
  },
  "byte deletion": (d, rng) => {
    const at = rng() % d.length;
    return concat(d.subarray(0, at), d.subarray(at + 1));
  },
  "varint corruption": (d, rng) => {
    // Early bytes hold the header and window varints: make one overlong or huge.
    const m = d.slice();
    const at = rng() % Math.min(m.length, 40);
    m[at] = [0xff, 0x80, 0x7f, 0x00][rng() % 4]!;
    return m;
  },
  "block overwrite": (d, rng) => {
    const m = d.slice();
    const at = rng() % m.length;
    m.set(randomBytes(rng, Math.min(8, m.length - at)), at);
    return m;
  },
};

describe("damaged deltas", async () => {
  it("without expectedSize, a delta cut at a window boundary decodes to a prefix", async () => {
    const [, , , multi] = await bases();
    if (multi === undefined) return;
    let prefixes = 0;
    for (let cut = 0; cut < multi.delta.length; cut += 7) {
      try {
        const out = await decodeAll(multi.source, multi.delta.subarray(0, cut));
        expect(Buffer.from(multi.target.subarray(0, out.length)).equals(Buffer.from(out))).toBe(
          true,
        );
        prefixes++;
      } catch (error) {
        expect(isDgError(error)).toBe(true);
      }
    }
    expect(prefixes).toBeLessThan(multi.delta.length / 7 / 10);
  });

  const list = await bases();
  for (const base of list) {
    it(`${base.name}: decodes undamaged`, async () => {
      expect(await decodeAll(base.source, base.delta)).toEqual(base.target);
    });
    for (const [name, mutate] of Object.entries(mutations)) {
      it(`${base.name}: ${name} gives a DgError or the right output`, async () => {
        const rng = createRng(base.delta.length * 31 + name.length);
        const outcomes = { error: 0, same: 0 };
        for (let i = 0; i < 150; i++) {
          const damaged = mutate(base.delta, rng);
          try {
            const out = await decodeAll(
              base.source,
              damaged,
              {
                maxWindowSize: 1 << 20,
                expectedSize: base.target.length,
                // Half the time without the block cache: scattered copies read as exact ranges.
                ...(i % 2 === 0 ? { sourceCacheSize: 0 } : {}),
              },
              1 + (rng() % 5000),
            );
            // Buffer.equals: vitest's deep equality is slow on large typed arrays.
            const same = Buffer.from(out).equals(Buffer.from(base.target));
            expect(same, `${name} #${i} gave wrong bytes`).toBe(true);
            outcomes.same++;
          } catch (error) {
            if (!isDgError(error)) throw error;
            expect(["INTEGRITY", "UNSUPPORTED"]).toContain(error.code);
            outcomes.error++;
          }
        }
        expect(outcomes.error + outcomes.same).toBe(150);
        if (name === "truncation") expect(outcomes.error).toBe(150);
      });
    }
  }
});

describe("random bytes after a valid file header", () => {
  it("give a DgError or some output, never a crash or a hang", async () => {
    const rng = createRng(31337);
    const source = randomBytes(rng, 5000);
    let errors = 0;
    for (let i = 0; i < 500; i++) {
      const garbage = randomBytes(rng, 1 + (rng() % 300), i % 2 === 0 ? 256 : 8);
      const delta = concat(Uint8Array.of(0xd6, 0xc3, 0xc4, 0, rng() % 8, 2), garbage);
      try {
        await decodeAll(source, delta, { maxWindowSize: 1 << 20 });
      } catch (error) {
        if (!isDgError(error)) throw error;
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(450);
  });
});
