import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRng, seededBytes, seededSlice, seededStream } from "./seeded.js";

describe("createRng", () => {
  it("repeats for a seed and differs between seeds", () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng(2);
    const xs = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it("keeps int() within bounds and reaches both ends", () => {
    const rng = createRng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(3, 6);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe("seededBytes / seededStream", () => {
  it("is deterministic and seed-dependent", () => {
    expect(Buffer.from(seededBytes(5, 100)).equals(Buffer.from(seededBytes(5, 100)))).toBe(true);
    expect(Buffer.from(seededBytes(5, 100)).equals(Buffer.from(seededBytes(6, 100)))).toBe(false);
  });

  it("streams the same bytes as seededBytes gives at once", async () => {
    const whole = seededBytes("s", 3_000_000);
    const hash = createHash("sha256");
    let total = 0;
    for await (const chunk of seededStream("s", 3_000_000, 65_536)) {
      expect(chunk.length).toBeLessThanOrEqual(65_536);
      hash.update(chunk);
      total += chunk.length;
    }
    expect(total).toBe(3_000_000);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(whole).digest("hex"));
  });
});

describe("seededSlice", () => {
  it("equals the same range of seededBytes, aligned or not", () => {
    const whole = Buffer.from(seededBytes("slice", 200_000));
    for (const [start, length] of [
      [0, 10],
      [16, 100],
      [17, 5],
      [65_535, 70_000],
      [199_990, 10],
    ]) {
      const slice = Buffer.from(seededSlice("slice", start as number, length as number));
      expect(slice.equals(whole.subarray(start, (start as number) + (length as number)))).toBe(
        true,
      );
    }
  });
});
