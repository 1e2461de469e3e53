import { createRng, seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { createBitJoiner, extractBits, sameBits } from "./bit-string.js";

/** Bits as a string of 0/1, bit 0 first. */
function bitsOf(bytes: Uint8Array, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += ((bytes[i >> 3] as number) >> (i & 7)) & 1;
  return out;
}

describe("bit strings", () => {
  it("extractBits moves any bit range to bit 0", () => {
    const bytes = seededBytes(51, 40);
    const all = bitsOf(bytes, 320);
    const rng = createRng(52);
    for (let i = 0; i < 200; i++) {
      const from = rng.int(0, 300);
      const count = rng.int(0, 320 - from);
      const got = extractBits(bytes, from, count);
      expect(got.length).toBe(Math.ceil(count / 8));
      expect(bitsOf(got, count)).toBe(all.slice(from, from + count));
      expect(bitsOf(got, got.length * 8).slice(count)).not.toContain("1");
    }
  });

  it("a joiner puts pieces cut at bit offsets back together", () => {
    const bytes = seededBytes(53, 64);
    const rng = createRng(54);
    const cuts = [0];
    while ((cuts.at(-1) as number) < 500) cuts.push((cuts.at(-1) as number) + rng.int(1, 40));
    cuts[cuts.length - 1] = 500;
    const join = createBitJoiner();
    const parts: Uint8Array[] = [];
    for (let i = 1; i < cuts.length; i++) {
      const from = cuts[i - 1] as number;
      const count = (cuts[i] as number) - from;
      parts.push(join.append(extractBits(bytes, from, count), count));
    }
    parts.push(join.finish());
    const joined = Buffer.concat(parts);
    expect(joined.length).toBe(Math.ceil(500 / 8));
    expect(bitsOf(joined, 500)).toBe(bitsOf(bytes, 500));
  });

  it("sameBits compares only the bits asked for", () => {
    const a = new Uint8Array([0xff, 0b0000_0111]);
    const b = new Uint8Array([0xff, 0b1111_0111]);
    expect(sameBits(a, b, 12)).toBe(true);
    expect(sameBits(a, b, 13)).toBe(false);
    expect(sameBits(a, b.subarray(0, 1), 11)).toBe(false);
  });
});
