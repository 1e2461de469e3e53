import { describe, expect, it } from "vitest";
import { rebuildWorkers } from "./rebuild.js";
import type { Segment } from "./segments.js";

const params = { engine: "zlib", level: 6, memLevel: 8, windowBits: 15, strategy: 0 } as const;
const deflate = (inflatedLength: number): Segment => ({
  kind: "deflate",
  compressedLength: inflatedLength >> 1,
  inflatedLength,
  crc32: 0,
  params,
});
const copy = (length: number): Segment => ({ kind: "copy", referenceOffset: 0, length });
const raw = (length: number): Segment => ({ kind: "raw", length });

describe("rebuildWorkers", () => {
  it("leaves a core to the rebuild's own thread when it copies more than it deflates", () => {
    const mostlyCopies = [raw(30), copy(5000), raw(30), deflate(1000), copy(4000)];
    expect(rebuildWorkers(2, mostlyCopies)).toBe(1);
    expect(rebuildWorkers(8, mostlyCopies)).toBe(7);
  });

  it("uses every worker when it mostly deflates, and never goes below what the pool has", () => {
    const oneLongStream = [raw(10), deflate(32_000_000), raw(8)];
    expect(rebuildWorkers(2, oneLongStream)).toBe(2);
    expect(rebuildWorkers(2, [copy(10), deflate(5000)])).toBe(2);
    expect(rebuildWorkers(1, [copy(5000), deflate(10)])).toBe(1);
    expect(rebuildWorkers(0, [copy(5000), deflate(10)])).toBe(0);
  });
});
