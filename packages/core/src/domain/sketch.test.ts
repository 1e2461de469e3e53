import { describe, expect, it } from "vitest";
import { seededBytes } from "../../test/seeded.js";
import {
  createSketcher,
  encodeSketch,
  estimateSimilarity,
  parseSketch,
  SKETCH_SIZE,
  type Sketch,
} from "./sketch.js";

function sketchOf(bytes: Uint8Array, piece = 1000): Sketch {
  const sketcher = createSketcher();
  for (let at = 0; at < bytes.length; at += piece) sketcher.update(bytes.subarray(at, at + piece));
  return sketcher.digest();
}

/** `base` with `count` runs of 64 new bytes at evenly spread places. */
function drifted(base: Uint8Array, count: number, seed: number): Uint8Array {
  const out = base.slice();
  const step = Math.floor(base.length / count);
  for (let i = 0; i < count; i++) out.set(seededBytes(seed + i, 64), i * step + 17);
  return out;
}

describe("createSketcher", () => {
  it("keeps the smallest distinct fingerprints, ascending, at most SKETCH_SIZE", () => {
    const sketch = sketchOf(seededBytes(1, 400_000));
    expect(sketch).toHaveLength(SKETCH_SIZE);
    for (let i = 1; i < sketch.length; i++) {
      expect(sketch[i] as number).toBeGreaterThan(sketch[i - 1] as number);
    }
  });

  it("does not depend on how the bytes are split into chunks", () => {
    const bytes = seededBytes(2, 100_000);
    expect(sketchOf(bytes, 1)).toEqual(sketchOf(bytes, 65_536));
  });

  it("sketches an empty input as nothing, and compares it as dissimilar", () => {
    const empty = createSketcher().digest();
    expect(empty).toEqual([]);
    expect(estimateSimilarity(empty, sketchOf(seededBytes(3, 10_000)))).toBe(0);
  });
});

describe("estimateSimilarity", () => {
  const base = seededBytes(4, 300_000);

  it("is 1 for the same bytes and near 0 for unrelated ones", () => {
    expect(estimateSimilarity(sketchOf(base), sketchOf(base))).toBe(1);
    expect(estimateSimilarity(sketchOf(base), sketchOf(seededBytes(5, 300_000)))).toBeLessThan(0.1);
  });

  it("survives an insertion at the start (content-defined cuts move with the content)", () => {
    const shifted = new Uint8Array(base.length + 7);
    shifted.set(seededBytes(6, 7));
    shifted.set(base, 7);
    expect(estimateSimilarity(sketchOf(base), sketchOf(shifted))).toBeGreaterThan(0.8);
  });

  it("falls as a file drifts, so the closest of several versions ranks first", () => {
    const near = drifted(base, 5, 100);
    const far = drifted(near, 60, 200);
    const a = sketchOf(base);
    expect(estimateSimilarity(a, sketchOf(near))).toBeGreaterThan(
      estimateSimilarity(a, sketchOf(far)),
    );
  });
});

describe("encodeSketch / parseSketch", () => {
  it("round-trips a sketch through metadata text of a few hundred characters", () => {
    const sketch = sketchOf(seededBytes(7, 200_000));
    const text = encodeSketch(sketch);
    expect(text.startsWith("1:")).toBe(true);
    expect(text.length).toBeLessThan(400);
    expect(parseSketch(text)).toEqual(sketch);
  });

  it.each([
    ["another version", "2:AAAAAQ=="],
    ["not base64", "1:***"],
    ["a partial word", "1:AAAB"],
    ["values out of order", encodeSketch([5, 3])],
    ["nothing", undefined],
  ])("reads %s as no sketch", (_what, text) => {
    expect(parseSketch(text)).toBeUndefined();
  });
});
