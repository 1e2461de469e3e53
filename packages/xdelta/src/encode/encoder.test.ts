import type { RandomAccessSource } from "@dg/core";
import { describe, expect, it } from "vitest";
import { decodeVcdiff } from "../decode/index.js";
import { createBufferSource } from "../vcdiff/index.js";
import type { EncodeVcdiffOptions } from "./encoder.js";
import { encodeVcdiff } from "./encoder.js";
import {
  collect,
  concatBytes,
  createPrng,
  hasXdelta3,
  randomBytes,
  randomText,
  streamOf,
  xdelta3Decode,
} from "./test-fixtures.js";

const xdelta3 = hasXdelta3();

async function encode(
  source: Uint8Array,
  target: Uint8Array,
  options: EncodeVcdiffOptions = {},
  chunk = 65_521,
): Promise<Uint8Array> {
  return collect(encodeVcdiff(createBufferSource(source), streamOf(target, chunk), options));
}

async function decodeBuiltin(source: Uint8Array, delta: Uint8Array): Promise<Uint8Array> {
  return collect(decodeVcdiff(createBufferSource(source), streamOf(delta, 4099)));
}

/** Encode, then decode with the builtin decoder and with xdelta3; returns the delta. */
async function roundTrip(
  source: Uint8Array,
  target: Uint8Array,
  options: EncodeVcdiffOptions = {},
): Promise<Uint8Array> {
  const delta = await encode(source, target, options);
  const back = await decodeBuiltin(source, delta);
  expect(back.length).toBe(target.length);
  expect(Buffer.compare(back, target)).toBe(0);
  if (xdelta3) {
    const viaXdelta3 = await xdelta3Decode(source, delta);
    expect(Buffer.compare(viaXdelta3, target)).toBe(0);
  }
  return delta;
}

const base = randomBytes(1, 400_000);
const third = 133_333;

describe("encodeVcdiff round trips (builtin decoder and xdelta3 -d)", () => {
  it("identical: a tiny delta", async () => {
    const delta = await roundTrip(base, base);
    expect(delta.length).toBeLessThan(64);
  });

  it("empty source", async () => {
    const text = randomText(2, 200_000);
    const delta = await roundTrip(new Uint8Array(0), text);
    // Self-copies inside the window compress repetitive text.
    expect(delta.length).toBeLessThan(text.length / 2);
  });

  it("empty target", async () => {
    // Magic, Hdr_Indicator and the compressor id, then one empty window.
    expect((await roundTrip(base, new Uint8Array(0))).length).toBe(17);
    expect((await roundTrip(base, new Uint8Array(0), { secondary: "none" })).length).toBe(16);
  });

  it("both empty", async () => {
    await roundTrip(new Uint8Array(0), new Uint8Array(0));
  });

  it("appended", async () => {
    const delta = await roundTrip(base, concatBytes(base, randomBytes(3, 5_000)));
    expect(delta.length).toBeLessThan(5_100);
  });

  it("inserted", async () => {
    const target = concatBytes(base.subarray(0, third), randomBytes(4, 777), base.subarray(third));
    const delta = await roundTrip(base, target);
    expect(delta.length).toBeLessThan(900);
  });

  it("deleted", async () => {
    const delta = await roundTrip(
      base,
      concatBytes(base.subarray(0, third), base.subarray(2 * third)),
    );
    expect(delta.length).toBeLessThan(64);
  });

  it("reordered blocks", async () => {
    const target = concatBytes(
      base.subarray(2 * third),
      base.subarray(0, third),
      base.subarray(third, 2 * third),
    );
    const delta = await roundTrip(base, target);
    expect(delta.length).toBeLessThan(80);
  });

  it("unrelated data: about the target's size", async () => {
    const target = randomBytes(5, 412_345);
    const delta = await roundTrip(base, target);
    expect(delta.length).toBeLessThan(target.length + 200);
  });

  it("scattered byte edits in text", async () => {
    const text = randomText(6, 300_000);
    const edited = text.slice();
    for (let i = 0; i < 300; i++) edited[(i * 997) % edited.length] = 0x41 + (i % 26);
    const delta = await roundTrip(text, edited);
    expect(delta.length).toBeLessThan(2_500);
  });

  it("runs of one byte", async () => {
    const target = concatBytes(
      new Uint8Array(100_000),
      base.subarray(0, 1000),
      new Uint8Array(5000).fill(7),
    );
    const delta = await roundTrip(base, target);
    expect(delta.length).toBeLessThan(100);
  });

  it("multi-window targets whose size is not a multiple of the window", async () => {
    const source = randomText(7, 700_000);
    const target = concatBytes(
      source.subarray(350_000),
      randomBytes(8, 3_333),
      source.subarray(0, 350_000),
    );
    const delta = await roundTrip(source, target, { windowSize: 65_536 });
    expect(delta.length).toBeLessThan(5_000);
  });

  it("a small block cache: sources read again by position", async () => {
    const source = randomBytes(9, 3_000_000);
    const target = concatBytes(
      source.subarray(2_500_000),
      randomBytes(10, 1000),
      source.subarray(100_000, 2_400_000),
    );
    const delta = await roundTrip(source, target, { cacheBytes: 1 << 20, windowSize: 1 << 20 });
    expect(delta.length).toBeLessThan(1_200);
  });

  it("shuffled text blocks through a small cache and small windows", async () => {
    // Many source reads interrupt lazy matching: a self-copy must never point at itself.
    const source = randomText(41, 6_000_000);
    const next = createPrng(42);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      const at = next() % (source.length - 20_000);
      parts.push(source.subarray(at, at + 1000 + (next() % 15_000)));
      if (i % 3 === 0) parts.push(randomText(100 + i, 200));
    }
    const target = concatBytes(...parts);
    const delta = await roundTrip(source, target, { cacheBytes: 1 << 20, windowSize: 1 << 18 });
    expect(delta.length).toBeLessThan(target.length / 20);
  });

  it("uses only the source bytes it needs to read", async () => {
    const inner = createBufferSource(base);
    let bad = 0;
    const watched: RandomAccessSource = {
      size: inner.size,
      read(position, length) {
        if (position < 0 || length < 0 || position >= base.length) bad++;
        return inner.read(position, length);
      },
      close: () => inner.close(),
    };
    await collect(encodeVcdiff(watched, streamOf(concatBytes(base, base))));
    expect(bad).toBe(0);
  });
});

describe("encodeVcdiff cancellation", () => {
  it("stops with CancelledError when the signal aborts", async () => {
    const controller = new AbortController();
    async function* target(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        if (i === 20) controller.abort();
        yield randomBytes(50 + i, 100_000);
      }
    }
    const run = collect(
      encodeVcdiff(createBufferSource(base), target(), {
        signal: controller.signal,
        windowSize: 1 << 20,
      }),
    );
    await expect(run).rejects.toMatchObject({ code: "CANCELLED" });
  });
});

describe("encodeVcdiff determinism", () => {
  it("gives the same bytes for the same inputs, however the target is chunked", async () => {
    const source = randomText(11, 500_000);
    const target = concatBytes(
      source.subarray(200_000),
      randomText(12, 20_000),
      source.subarray(0, 150_000),
    );
    const a = await encode(source, target, { windowSize: 131_072 }, 4096);
    const b = await encode(source, target, { windowSize: 131_072 }, 100_003);
    expect(Buffer.compare(a, b)).toBe(0);
  });
});

describe("encodeVcdiff on sources much larger than its cache and windows", () => {
  it("finds a block moved from the end of the source to the start of the target", async () => {
    const size = 24 << 20;
    const source = randomBytes(13, size);
    const moved = source.subarray(size - 300_000);
    const target = concatBytes(moved, source.subarray(0, 4 << 20), randomBytes(14, 2000));
    const delta = await roundTrip(source, target, { windowSize: 1 << 20, cacheBytes: 2 << 20 });
    expect(delta.length).toBeLessThan(3_000);
  });
});

describe.runIf(process.env.DG_LARGE_TESTS === "1")("large sources (DG_LARGE_TESTS=1)", () => {
  it("finds a block moved from the end of a 200 MB source", { timeout: 600_000 }, async () => {
    const size = 200 << 20;
    const source = randomBytes(15, size);
    const target = concatBytes(source.subarray(size - (1 << 20)), source.subarray(0, 16 << 20));
    const delta = await roundTrip(source, target);
    expect(delta.length).toBeLessThan(1_000);
  });
});

describe("secondary compression (xdelta3's LZMA sections)", () => {
  const header = (delta: Uint8Array): number[] => [...delta.subarray(4, 6)];
  /** Delta_Indicator of every window, read with the decoder's own header walk. */
  async function windowIndicators(delta: Uint8Array): Promise<number[]> {
    const { readVarint } = await import("../vcdiff/varint.js");
    const out = { value: 0, offset: 0 };
    let at = delta[4]! & 1 ? 6 : 5; // after the compressor id, when there is one
    const found: number[] = [];
    while (at < delta.length) {
      const win = delta[at++]!;
      if (win & 1) {
        readVarint(delta, at, delta.length, out); // source segment length
        readVarint(delta, out.offset, delta.length, out); // source segment position
        at = out.offset;
      }
      const length = readVarint(delta, at, delta.length, out);
      const bodyStart = out.offset;
      readVarint(delta, bodyStart, delta.length, out); // target window length
      found.push(delta[out.offset]!);
      at = bodyStart + length;
    }
    return found;
  }

  it("names LZMA in the header and compresses the sections of a window of new text", async () => {
    const text = randomText(11, 600_000);
    const delta = await roundTrip(base, text);
    expect(header(delta)).toEqual([1, 2]);
    expect((await windowIndicators(delta))[0]! & 1).toBe(1);
    const plain = await roundTrip(base, text, { secondary: "none" });
    expect(plain[4]).toBe(0);
    expect(await windowIndicators(plain)).toEqual([0]);
    expect(delta.length).toBeLessThan(plain.length * 0.9);
  });

  it("keeps one stream per section kind across windows, resting a kind that does not compress", async () => {
    // Windows of incompressible bytes between windows of text: the data sections of the random
    // windows go in as they are, and the text after them still decodes (the stream in step).
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) {
      parts.push(i % 3 === 1 ? randomBytes(100 + i, 70_000) : randomText(200 + i, 70_000));
    }
    const target = concatBytes(...parts);
    const delta = await roundTrip(base, target, { windowSize: 1 << 16 });
    const data = (await windowIndicators(delta)).map((bits) => bits & 1);
    expect(data).toContain(1);
    expect(data).toContain(0);
  });

  it("rejects an unknown compressor name", async () => {
    await expect(encode(base, base, { secondary: "djw" as unknown as "lzma" })).rejects.toThrow(
      /Unknown secondary compression: djw/,
    );
  });
});

describe("short matches anywhere in the source (the short index)", () => {
  it("copies 28-byte runs from all over the source between new bytes", async () => {
    const source = randomBytes(21, 1_000_000);
    const rng = createPrng(22);
    const fresh = randomBytes(23, 4000);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) {
      parts.push(fresh.subarray(i * 40, i * 40 + 40));
      const at = rng() % (source.length - 28);
      parts.push(source.subarray(at, at + 28));
    }
    const target = concatBytes(...parts);
    const delta = await roundTrip(source, target, { secondary: "none" });
    // 4,000 new bytes must be added, and the 2,800 of the runs cost as much again when none is
    // found (6,822 bytes without the short index). With it, the runs whose fingerprint kept
    // its slot are copied (about a third here: a miss makes the matcher skip ahead in new
    // bytes, and the table is direct-mapped).
    expect(delta.length).toBeLessThan(6_500);
  });
});
