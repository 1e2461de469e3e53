import { describe, expect, it } from "vitest";
import {
  MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIN_PART_SIZE,
  partSizer,
} from "./part-size.js";

const MiB = 1024 * 1024;

describe("partSizer", () => {
  it("uses the base size for known lengths that fit in 10,000 base parts", () => {
    const sizeOf = partSizer(8 * MiB, 6 * 1024 * MiB);
    expect(sizeOf(1)).toBe(8 * MiB);
    expect(sizeOf(768)).toBe(8 * MiB);
  });

  it("grows fixed parts so that 10,000 of them hold a known length up to 5 TiB", () => {
    for (const size of [100 * 1024 ** 3, 1024 ** 4, MAX_OBJECT_SIZE]) {
      const part = partSizer(8 * MiB, size)(1);
      expect(part * MAX_PARTS).toBeGreaterThanOrEqual(size);
      expect(part).toBeLessThanOrEqual(MAX_PART_SIZE);
    }
  });

  it("never goes below S3's 5 MiB minimum", () => {
    expect(partSizer(1024, undefined)(1)).toBe(MIN_PART_SIZE);
    expect(partSizer(1024, 100 * MiB)(1)).toBe(MIN_PART_SIZE);
  });

  it("keeps the base size for the first 1,000 parts of an unknown length, then grows to reach 5 TiB", () => {
    const sizeOf = partSizer(8 * MiB, undefined);
    expect(sizeOf(1000)).toBe(8 * MiB);
    expect(sizeOf(1001)).toBe(16 * MiB);
    let total = 0;
    let previous = 0;
    for (let part = 1; part <= MAX_PARTS; part++) {
      const size = sizeOf(part);
      expect(size).toBeGreaterThanOrEqual(previous);
      expect(size).toBeLessThanOrEqual(MAX_PART_SIZE);
      previous = size;
      total += size;
    }
    expect(total).toBeGreaterThanOrEqual(MAX_OBJECT_SIZE);
    expect(previous).toBeLessThan(1.25 * 1024 * MiB);
  });
});
