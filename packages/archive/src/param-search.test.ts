import { deflateRawSync } from "node:zlib";
import { createBufferSource } from "@dg/core/memory";
import { createRng } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { firstRelease } from "../test/corpus.js";
import type { DeflateParams } from "./deflate-params.js";
import { candidateParams, paramsKey } from "./deflate-params.js";
import { deflateWhole } from "./deflate-engines.js";
import { findDeflateParams, reproducesDeflate } from "./param-search.js";

function text(size: number): Uint8Array {
  const files = firstRelease(3, { files: 40, meanSize: 8000 });
  return Buffer.concat(files.map((f) => f.data)).subarray(0, size);
}

function ranges(inflated: Uint8Array, compressed: Uint8Array) {
  return [
    { source: createBufferSource(inflated), start: 0, length: inflated.length },
    { source: createBufferSource(compressed), start: 0, length: compressed.length },
  ] as const;
}

/** Whether `found` gives the same bytes as `wanted` (several settings can coincide). */
function equivalent(data: Uint8Array, found: DeflateParams | undefined, wanted: DeflateParams) {
  if (found === undefined) return false;
  return Buffer.from(deflateWhole(data.length > 0 ? found : wanted, data)).equals(
    Buffer.from(deflateWhole(wanted, data)),
  );
}

describe("findDeflateParams", () => {
  const candidates = candidateParams();
  const rng = createRng(21);
  const samples: DeflateParams[] = [
    { engine: "node-zlib", level: 9, memLevel: 8, windowBits: 15, strategy: 0 },
    { engine: "node-zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 0 },
    { engine: "node-zlib", level: 1, memLevel: 9, windowBits: 15, strategy: 0 },
    { engine: "node-zlib", level: 4, memLevel: 3, windowBits: 15, strategy: 0 },
    { engine: "node-zlib", level: 7, memLevel: 8, windowBits: 10, strategy: 0 },
    { engine: "node-zlib", level: 5, memLevel: 8, windowBits: 15, strategy: 1 },
    { engine: "node-zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 2 },
    { engine: "node-zlib", level: 6, memLevel: 9, windowBits: 15, strategy: 3 },
    { engine: "node-zlib", level: 8, memLevel: 8, windowBits: 15, strategy: 4 },
  ];

  samples.push(
    { engine: "zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 0 },
    { engine: "zlib", level: 9, memLevel: 9, windowBits: 15, strategy: 0 },
    { engine: "gnu", level: 9, memLevel: 8, windowBits: 15, strategy: 0 },
    { engine: "gnu", level: 3, memLevel: 8, windowBits: 15, strategy: 0 },
  );

  for (const size of [5_000, 300_000]) {
    for (const wanted of samples) {
      it(`recovers ${paramsKey(wanted)} on ${size} bytes`, async () => {
        const data = text(size);
        const [inflated, compressed] = ranges(data, deflateWhole(wanted, data));
        const found = await findDeflateParams(inflated, compressed, candidates);
        expect(equivalent(data, found, wanted)).toBe(true);
      });
    }
  }

  it("gives up on a stream no candidate makes", async () => {
    const data = text(200_000);
    const compressed = Buffer.from(deflateRawSync(data, { level: 9 }));
    // Same stream, one bit changed near the end: inflatable-looking but not reproducible.
    const at = compressed.length - rng.int(10, 50);
    compressed[at] = (compressed[at] ?? 0) ^ 1;
    const [inflated, damaged] = ranges(data, compressed);
    expect(await findDeflateParams(inflated, damaged, candidates.slice(0, 12))).toBeUndefined();
  });

  it("reproducesDeflate compares a large stream exactly", async () => {
    const data = text(400_000);
    const compressed = deflateRawSync(data, { level: 6 });
    const [inflated, exact] = ranges(data, compressed);
    const params: DeflateParams = {
      engine: "node-zlib",
      level: 6,
      memLevel: 8,
      windowBits: 15,
      strategy: 0,
    };
    expect(await reproducesDeflate(params, inflated, exact)).toBe(true);
    const [, longer] = ranges(data, Buffer.concat([compressed, new Uint8Array(1)]));
    expect(await reproducesDeflate(params, inflated, longer)).toBe(false);
    expect(await reproducesDeflate({ ...params, level: 9 }, inflated, exact)).toBe(false);
  });
});
