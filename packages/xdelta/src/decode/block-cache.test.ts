import type { RandomAccessSource } from "@dg/core";
import { describe, expect, it } from "vitest";
import { createRng, randomBytes } from "../../test/fixtures-decode/harness.js";
import { createBufferSource } from "../vcdiff/buffer-source.js";
import { createSourceBlockCache } from "./block-cache.js";

function counting(bytes: Uint8Array): RandomAccessSource & { reads: number[] } {
  const inner = createBufferSource(bytes);
  const reads: number[] = [];
  return {
    reads,
    size: inner.size,
    read: async (position, length) => {
      reads.push(position);
      return (await inner.read(position, length)).slice();
    },
    close: () => inner.close(),
  };
}

describe("source block cache", () => {
  const bytes = randomBytes(createRng(1), 1000);

  it("reads each block once while it stays within the budget, and copies across blocks", async () => {
    const source = counting(bytes);
    const cache = createSourceBlockCache(source, { blockSize: 100, maxBytes: 300 });
    await cache.load([50, 420], [260, 430], 0, undefined);
    expect(source.reads.sort((a, b) => a - b)).toEqual([0, 100, 200, 400]);
    const out = new Uint8Array(210);
    cache.segment(0).copy(50, 210, out, 0);
    expect(out).toEqual(bytes.subarray(50, 260));
    cache.release(); // 4 blocks held, budget 3: block 0, the least recent, goes
    source.reads.length = 0;
    await cache.load([400], [410], 0, undefined);
    expect(source.reads).toEqual([]);
    await cache.load([0], [10], 0, undefined);
    expect(source.reads).toEqual([0]);
    cache.release();
  });

  it("evicts the least recently used blocks beyond the budget", async () => {
    const source = counting(bytes);
    const cache = createSourceBlockCache(source, { blockSize: 100, maxBytes: 200, concurrency: 1 });
    for (const start of [0, 100, 200, 300]) {
      await cache.load([start], [start + 1], 0, undefined);
      cache.release();
    }
    source.reads.length = 0;
    await cache.load([250, 350], [260, 360], 0, undefined); // the two most recent: cached
    expect(source.reads).toEqual([]);
    await cache.load([0], [1], 0, undefined); // evicted long ago
    expect(source.reads).toEqual([0]);
    expect(cache.cost([0, 250], [1, 420], 0)).toBe(4 * 100);
  });

  it("positions segments at their base", async () => {
    const cache = createSourceBlockCache(createBufferSource(bytes), { blockSize: 64 });
    await cache.load([0], [300], 500, undefined);
    const out = new Uint8Array(300);
    cache.segment(500).copy(0, 300, out, 0);
    expect(out).toEqual(bytes.subarray(500, 800));
  });
});
