import { inflateRawSync } from "node:zlib";
import { createRng, seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { firstRelease } from "../../test/corpus.js";
import { gnuGzip, hasBinary, pythonDeflate } from "../../test/gnu.js";
import { writeTar } from "../../test/tar-writer.js";
import type { ClassicDeflateOptions } from "./classic-deflater.js";
import { createClassicDeflater } from "./classic-deflater.js";

function deflate(data: Uint8Array, options: ClassicDeflateOptions, pieces?: number[]): Buffer {
  const deflater = createClassicDeflater(options);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const size of pieces ?? [data.length]) {
    const produced = deflater.write(data.subarray(at, at + size));
    if (produced !== undefined) out.push(produced);
    at += size;
  }
  const last = deflater.finish();
  if (last !== undefined) out.push(last);
  return Buffer.concat(out);
}

const text = Buffer.concat(firstRelease(8, { files: 20, meanSize: 4000 }).map((f) => f.data));
const samples: Record<string, Uint8Array> = {
  text: text.subarray(0, 90_000),
  tar: writeTar(firstRelease(9, { files: 30, meanSize: 3000 })).subarray(0, 140_000),
  random: seededBytes(3, 40_000),
  runs: Buffer.alloc(70_000, 7),
  tiny: Buffer.from("abcabcabcabcabc"),
  empty: new Uint8Array(0),
};

describe("createClassicDeflater", () => {
  it("output inflates back to the input, for every flavour and level", () => {
    for (const [name, data] of Object.entries(samples)) {
      for (const flavor of ["zlib", "gzip"] as const) {
        for (let level = 1; level <= 9; level++) {
          const out = deflate(data, { flavor, level });
          expect(inflateRawSync(out).equals(Buffer.from(data)), `${name} ${flavor} ${level}`).toBe(
            true,
          );
        }
      }
    }
  });

  it("gives the same bytes however the input is split", () => {
    const rng = createRng(4);
    const data = samples.tar as Uint8Array;
    const options: ClassicDeflateOptions[] = [
      { flavor: "zlib", level: 6 },
      { flavor: "zlib", level: 1, memLevel: 3 },
      { flavor: "zlib", level: 9, strategy: 3 },
      { flavor: "gzip", level: 9 },
      { flavor: "gzip", level: 2 },
    ];
    for (const o of options) {
      const pieces: number[] = [];
      for (let left = data.length; left > 0; ) {
        const n = Math.min(left, rng.int(1, 20_000));
        pieces.push(n);
        left -= n;
      }
      expect(deflate(data, o, pieces).equals(deflate(data, o)), JSON.stringify(o)).toBe(true);
    }
  });

  it("a deflater made with the arrays of disposed ones gives the bytes of a fresh one", () => {
    const options: ClassicDeflateOptions[] = [
      { flavor: "zlib", level: 6 },
      { flavor: "gzip", level: 6 },
      { flavor: "zlib", level: 9, memLevel: 9, windowBits: 12 },
    ];
    const fresh = new Map<string, Buffer>();
    for (const o of options) {
      for (const [name, data] of Object.entries(samples)) {
        fresh.set(`${JSON.stringify(o)} ${name}`, deflate(data, o));
      }
    }
    // Each deflater below leaves its arrays dirty (full windows, chains, symbols) for the next.
    const rng = createRng(21);
    for (let i = 0; i < 60; i++) {
      const o = rng.pick(options);
      const name = rng.pick(Object.keys(samples));
      const data = samples[name] as Uint8Array;
      const deflater = createClassicDeflater(o);
      const out = Buffer.concat(
        [deflater.write(data), deflater.finish()].filter((p) => p !== undefined),
      );
      deflater.dispose();
      expect(out.equals(fresh.get(`${JSON.stringify(o)} ${name}`) as Buffer), `${i} ${name}`).toBe(
        true,
      );
    }
  });

  it.skipIf(!hasBinary("python3"))(
    "matches reference zlib (Python's) across levels, memLevels, windows and strategies",
    () => {
      const rng = createRng(12);
      for (let i = 0; i < 40; i++) {
        const name = rng.pick(Object.keys(samples));
        const data = samples[name] as Uint8Array;
        const o = {
          level: rng.int(1, 9),
          memLevel: rng.pick([1, 4, 8, 9]),
          windowBits: rng.pick([9, 12, 15]),
          strategy: rng.int(0, 4),
        };
        const want = pythonDeflate(data, o.level, o.memLevel, o.windowBits, o.strategy);
        const got = deflate(data, { flavor: "zlib", ...o });
        expect(got.equals(Buffer.from(want)), `${name} ${JSON.stringify(o)}`).toBe(true);
      }
    },
  );

  it.skipIf(!hasBinary("gzip"))("matches GNU gzip at every level", () => {
    for (const name of ["text", "tar", "random", "runs", "tiny"]) {
      const data = samples[name] as Uint8Array;
      for (let level = 1; level <= 9; level++) {
        const gz = gnuGzip(data, level);
        const want = Buffer.from(gz.subarray(10, gz.length - 8));
        expect(deflate(data, { flavor: "gzip", level }).equals(want), `${name} -${level}`).toBe(
          true,
        );
      }
    }
  });
});
