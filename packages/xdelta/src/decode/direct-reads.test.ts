import type { RandomAccessSource } from "@dg/core";
import { describe, expect, it } from "vitest";
import { chunked, concat, createRng, randomBytes } from "../../test/fixtures-decode/harness.js";
import type { TestInstruction } from "../../test/fixtures-decode/vcdiff-writer.js";
import { writeTestDelta } from "../../test/fixtures-decode/vcdiff-writer.js";
import { createBufferSource } from "../vcdiff/buffer-source.js";
import { decodeVcdiff } from "./decode-vcdiff.js";
import { MIN_DIRECT_READ } from "./direct-reads.js";

interface Counted extends RandomAccessSource {
  readonly reads: { position: number; length: number; into: boolean }[];
}

/** A source over `bytes` that records its reads; `withReadInto` adds the optional method. */
function recording(bytes: Uint8Array, withReadInto: boolean): Counted {
  const inner = createBufferSource(bytes);
  const reads: Counted["reads"] = [];
  const source: Counted = {
    reads,
    size: inner.size,
    async read(position, length) {
      reads.push({ position, length, into: false });
      return (await inner.read(position, length)).slice();
    },
    close: () => inner.close(),
  };
  if (!withReadInto) return source;
  return {
    ...source,
    async readInto(position, into, offset, length) {
      reads.push({ position, length, into: true });
      const part = await inner.read(position, length);
      into.set(part, offset);
      return part.length;
    },
  };
}

async function decode(source: RandomAccessSource, delta: Uint8Array, concurrency?: number) {
  const parts: Uint8Array[] = [];
  const options = concurrency === undefined ? {} : { sourceReadConcurrency: concurrency };
  for await (const part of decodeVcdiff(source, chunked(delta, 1000), options)) {
    parts.push(part.slice());
  }
  return concat(...parts);
}

describe("long stretches of source copies", () => {
  const rng = createRng(17);
  const old = randomBytes(rng, 2_000_000);
  const edit1 = randomBytes(rng, 7);
  const edit2 = randomBytes(rng, 300);
  // An unchanged stretch of 300 KB cut by two edits (same diagonal around them), a detour
  // (a short copy from elsewhere inside the stretch), a copy from the target window inside
  // it, then a second stretch on another diagonal, then a short isolated copy.
  const instructions: TestInstruction[] = [
    { type: "copy", address: 100_000, size: 100_000 },
    { type: "add", bytes: edit1 },
    { type: "copy", address: 200_007, size: 50_000 },
    { type: "copy", address: 1_900_000, size: 40 }, // detour
    { type: "copy", address: 250_047, size: 50_000 },
    { type: "copy", address: old.length + 10, size: 100 }, // from the target window
    { type: "copy", address: 300_147, size: 50_000 },
    { type: "add", bytes: edit2 },
    { type: "copy", address: 350_447, size: 49_553 },
    { type: "run", byte: 9, size: 70 },
    { type: "copy", address: 1_000_000, size: 200_000 },
    { type: "copy", address: 1_500_000, size: 500 },
  ];
  const target = concat(
    old.subarray(100_000, 200_000),
    edit1,
    old.subarray(200_007, 250_007),
    old.subarray(1_900_000, 1_900_040),
    old.subarray(250_047, 300_047),
    old.subarray(100_010, 100_110),
    old.subarray(300_147, 350_147),
    edit2,
    old.subarray(350_447, 400_000),
    new Uint8Array(70).fill(9),
    old.subarray(1_000_000, 1_200_000),
    old.subarray(1_500_000, 1_500_500),
  );
  const delta = writeTestDelta([
    {
      segment: { from: "source", position: 0, length: old.length },
      instructions,
      checksumOf: target,
    },
  ]);

  it("are read straight into the target, one read per stretch, and decode exactly", async () => {
    for (const concurrency of [1, 4]) {
      const source = recording(old, true);
      const out = await decode(source, delta, concurrency);
      expect(Buffer.from(out).equals(Buffer.from(target))).toBe(true);
      const direct = source.reads.filter((r) => r.into).sort((a, b) => a.position - b.position);
      expect(direct).toEqual([
        { position: 100_000, length: 300_000, into: true },
        { position: 1_000_000, length: 200_000, into: true },
      ]);
      // The detour and the isolated copy come from blocks, not from more direct reads.
      expect(source.reads.filter((r) => !r.into).length).toBeGreaterThan(0);
      expect(source.reads.filter((r) => !r.into).every((r) => r.length <= 65536)).toBe(true);
    }
  });

  it("decode the same through read when the source has no readInto", async () => {
    const source = recording(old, false);
    const out = await decode(source, delta);
    expect(Buffer.from(out).equals(Buffer.from(target))).toBe(true);
    expect(source.reads.some((r) => r.length === 300_000)).toBe(true);
  });

  it("fail with IntegrityError when the source is shorter than the window says", async () => {
    const source = recording(old, true);
    const short: RandomAccessSource = {
      size: old.length,
      read: source.read,
      readInto: async (position, into, offset, length) =>
        source.readInto!(position, into, offset, Math.min(length, 1000)) as Promise<number>,
      close: source.close,
    };
    const chopped: RandomAccessSource = { ...short, readInto: async () => 0 };
    await expect(decode(chopped, delta)).rejects.toMatchObject({ code: "INTEGRITY" });
    // Short reads are continued until the stretch is complete.
    const out = await decode(short, delta);
    expect(Buffer.from(out).equals(Buffer.from(target))).toBe(true);
  });

  it("below the threshold are copied from blocks instead", async () => {
    const size = MIN_DIRECT_READ - 1;
    const small = concat(old.subarray(5000, 5000 + size));
    const source = recording(old, true);
    const out = await decode(
      source,
      writeTestDelta([
        {
          segment: { from: "source", position: 0, length: old.length },
          instructions: [{ type: "copy", address: 5000, size }],
          checksumOf: small,
        },
      ]),
    );
    expect(Buffer.from(out).equals(Buffer.from(small))).toBe(true);
    expect(source.reads.every((r) => !r.into)).toBe(true);
  });
});
