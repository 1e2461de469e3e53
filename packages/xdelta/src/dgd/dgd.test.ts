import { CancelledError, IntegrityError, isDgError } from "@dg/core";
import { describe, expect, it } from "vitest";
import {
  collect,
  concatBytes,
  createPrng,
  randomBytes,
  randomText,
  streamOf,
} from "../encode/test-fixtures.js";
import { createDgdCodec } from "../codec.js";
import { createBufferSource } from "../vcdiff/index.js";
import { decodeDgd } from "./decode.js";
import type { EncodeDgdOptions } from "./encode.js";
import { encodeDgd, zeroRuns } from "./encode.js";
import { ByteWriter, DGD_MAGIC, isDgdDelta } from "./format.js";
import { DiffRunWriter } from "./matcher.js";

async function encode(
  source: Uint8Array,
  target: Uint8Array,
  options: EncodeDgdOptions = {},
): Promise<Uint8Array> {
  return collect(encodeDgd(createBufferSource(source), streamOf(target, 65_521), options));
}

async function decode(source: Uint8Array, delta: Uint8Array): Promise<Uint8Array> {
  return collect(decodeDgd(createBufferSource(source), streamOf(delta, 4099)));
}

async function roundTrip(
  source: Uint8Array,
  target: Uint8Array,
  options: EncodeDgdOptions = {},
): Promise<Uint8Array> {
  const delta = await encode(source, target, options);
  expect(isDgdDelta(delta)).toBe(true);
  const back = await decode(source, delta);
  expect(back.length).toBe(target.length);
  expect(Buffer.compare(back, target)).toBe(0);
  return delta;
}

/** Seeded numbers in [0, 1). */
function uniform(seed: number): () => number {
  const next = createPrng(seed);
  return () => next() / 2 ** 32;
}

/** Text with a few seeded edits: replaced, inserted and deleted spans. */
function edited(seed: number, base: Uint8Array, edits: number): Uint8Array {
  const next = uniform(seed);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < edits; i++) {
    const to = Math.min(base.length, at + Math.floor(next() * ((2 * base.length) / edits)));
    parts.push(base.subarray(at, to));
    const kind = Math.floor(next() * 3);
    if (kind === 0) parts.push(randomText(seed + i, 1 + Math.floor(next() * 200)));
    at = kind === 2 ? Math.min(base.length, to + Math.floor(next() * 200)) : to;
  }
  parts.push(base.subarray(at));
  return concatBytes(...parts);
}

/** An "executable": 4-byte little-endian addresses in code, all shifted in the new one. */
function executable(seed: number, length: number, shift: number): Uint8Array {
  const next = uniform(seed);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 8 <= length; i += 8) {
    out[i] = 0xe8;
    out[i + 1] = Math.floor(next() * 4);
    out[i + 2] = 0x48;
    out[i + 3] = Math.floor(next() * 256);
    view.setUint32(i + 4, (Math.floor(next() * 0x100000) + shift) >>> 0, true);
  }
  return out;
}

describe("dgd round trips", () => {
  it("empty target, empty reference, both", async () => {
    const text = randomText(1, 5000);
    await roundTrip(text, new Uint8Array(0));
    await roundTrip(new Uint8Array(0), text);
    await roundTrip(new Uint8Array(0), new Uint8Array(0));
  });

  it("an edited text is small, over many windows", async () => {
    const source = randomText(2, 600_000);
    const target = edited(3, source, 40);
    const delta = await roundTrip(source, target, { windowSize: 65_536 });
    expect(delta.length).toBeLessThan(target.length / 20);
  });

  it("shifted addresses cost a fraction of what they change", async () => {
    // The same code with every address moved: most 8-byte groups differ in one byte.
    const next = uniform(7);
    const seeds = Array.from({ length: 4 }, () => Math.floor(next() * 1000));
    const source = executable(seeds[0] as number, 400_000, 0);
    const target = executable(seeds[0] as number, 400_000, 0x40);
    let differing = 0;
    for (let i = 0; i < target.length; i++) if (source[i] !== target[i]) differing++;
    expect(differing).toBeGreaterThan(20_000);
    const delta = await roundTrip(source, target);
    expect(delta.length).toBeLessThan(differing / 4);
  });

  it("moved blocks of random data are copies", async () => {
    const source = randomBytes(11, 300_000);
    const target = concatBytes(
      source.subarray(200_000, 260_000),
      randomBytes(12, 500),
      source.subarray(0, 150_000),
      source.subarray(150_000, 150_100),
    );
    const delta = await roundTrip(source, target);
    expect(delta.length).toBeLessThan(3_000);
  });

  it("a file rewritten more than half in place keeps its unchanged stretches as copies", async () => {
    // 1,000 random bytes rewritten in every 1,500, in place: no stretch agrees half the time,
    // so one approximate copy cannot span it (bsdiff stores such a file whole).
    const source = randomBytes(41, 200_000);
    const target = source.slice();
    const next = createPrng(42);
    let changed = 0;
    for (let at = 0; at + 1_000 <= target.length; at += 1_500) {
      for (let i = 0; i < 1_000; i++) target[at + i] = next() & 0xff;
      changed += 1_000;
    }
    const delta = await roundTrip(source, target);
    expect(delta.length).toBeLessThan(changed * 1.05);
  });

  it("a reference larger than the region: matched a region at a time, still exact", async () => {
    const source = randomText(20, 3_500_000);
    const target = edited(21, source, 30);
    const delta = await roundTrip(source, target, {
      maxRegionBytes: 1 << 20,
      windowSize: 1 << 18,
    });
    // Degraded but still a delta: most of each window is near its region.
    expect(delta.length).toBeLessThan(target.length / 4);
  });

  it("the diff runs keep zero and non-zero stretches", () => {
    expect([...zeroRuns(Uint8Array.of(0, 0, 5, 6, 0, 7))]).toEqual([2, 2, 5, 6, 1, 1, 7]);
    expect([...zeroRuns(new Uint8Array(0))]).toEqual([]);
  });

  it("the runs written as copies are found are those of the whole diff", () => {
    const next = createPrng(41);
    for (let round = 0; round < 40; round++) {
      // Mostly zeros, some stretches of differences, a trailing stretch of either kind.
      const diff = new Uint8Array(next() % 3000);
      for (let i = 0; i < diff.length; i++) {
        if (next() % 50 === 0) {
          const end = Math.min(diff.length, i + 1 + (next() % 9));
          for (; i < end; i++) diff[i] = 1 + (next() % 255);
        }
      }
      // Fed as the encoder does: runs of agreeing bytes counted, differences one at a time,
      // cut at arbitrary copy boundaries (a zero run may span two copies).
      const writer = new DiffRunWriter();
      writer.reset();
      for (let i = 0; i < diff.length; ) {
        if (diff[i] !== 0) {
          writer.addLiteral(diff[i] as number);
          i++;
          continue;
        }
        let j = i;
        while (j < diff.length && diff[j] === 0 && j - i < 1 + (next() % 40)) j++;
        writer.addZeros(j - i);
        i = j;
      }
      writer.finish();
      expect([...writer.out.view()]).toEqual([...zeroRuns(diff)]);
    }
  });

  it("is deterministic", async () => {
    const source = randomText(30, 100_000);
    const target = edited(31, source, 10);
    expect(Buffer.compare(await encode(source, target), await encode(source, target))).toBe(0);
  });
});

describe("createDgdCodec", () => {
  it("is a DeltaCodec: round trip, and an aborted decode stops with CancelledError", async () => {
    const codec = createDgdCodec();
    expect(codec.name).toBe("dgd");
    const source = randomText(50, 120_000);
    const target = edited(51, source, 8);
    const delta = await collect(codec.encode(createBufferSource(source), streamOf(target)));
    expect(isDgdDelta(delta)).toBe(true);
    const back = await collect(codec.decode(createBufferSource(source), streamOf(delta)));
    expect(Buffer.compare(back, target)).toBe(0);
    const controller = new AbortController();
    controller.abort();
    await expect(
      collect(
        codec.decode(createBufferSource(source), streamOf(delta), { signal: controller.signal }),
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("dgd decoding refuses what it cannot trust", () => {
  const source = randomText(40, 200_000);
  const target = edited(41, source, 20);

  it("a different reference of the same size is an integrity error", async () => {
    const delta = await encode(source, target);
    const other = source.slice();
    other[1000] = (other[1000] as number) ^ 1;
    other[150_000] = (other[150_000] as number) ^ 1;
    await expect(decode(other, delta)).rejects.toBeInstanceOf(IntegrityError);
  });

  it("a reference of another size, or not a dgd delta", async () => {
    const delta = await encode(source, target);
    await expect(decode(source.subarray(1), delta)).rejects.toThrow(/reference of 200000 bytes/);
    await expect(decode(source, randomBytes(42, 100))).rejects.toThrow(/not a dgd delta/);
    await expect(decode(source, new Uint8Array(0))).rejects.toBeInstanceOf(IntegrityError);
  });

  it("hostile headers are refused before anything large is allocated", async () => {
    const header = (windowSize: number): number[] => {
      const w = new ByteWriter();
      w.bytes(Uint8Array.from(DGD_MAGIC));
      w.u8(1);
      w.u8(0);
      w.varint(source.length);
      w.varint(windowSize);
      return [...w.view()];
    };
    await expect(decode(source, Uint8Array.from(header(1 << 30)))).rejects.toThrow(
      /window size 1073741824 out of range/,
    );
    // A window longer than the window size, and streams claiming more than a window needs.
    const long = new ByteWriter();
    long.bytes(Uint8Array.from(header(1 << 16)));
    long.u8(0x57);
    long.varint((1 << 16) + 1);
    await expect(decode(source, long.view())).rejects.toThrow(/window of 65537 bytes/);
    const greedy = new ByteWriter();
    greedy.bytes(Uint8Array.from(header(1 << 16)));
    greedy.u8(0x57);
    greedy.varint(1000);
    greedy.varint(1);
    for (const raw of [30, 1_000_000, 10]) {
      greedy.u8(1);
      greedy.varint(raw);
      greedy.varint(5);
    }
    await expect(decode(source, greedy.view())).rejects.toThrow(/diff stream declares 1000000/);
  });

  it("a newer version is unsupported, not damage", async () => {
    const delta = (await encode(source, target)).slice();
    delta[8] = 2;
    await expect(decode(source, delta)).rejects.toThrow(/version 2 is not supported/);
  });

  it("an aborted encode stops with CancelledError", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      collect(
        encodeDgd(createBufferSource(source), streamOf(target), { signal: controller.signal }),
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it("seeded mutations: a one-line typed error or the right bytes, never wrong ones", async () => {
    const cases: [Uint8Array, Uint8Array][] = [
      [source, target],
      [executable(5, 100_000, 0), executable(5, 100_000, 0x20)],
      [randomBytes(43, 50_000), concatBytes(randomBytes(44, 3000), randomBytes(43, 50_000))],
    ];
    const next = uniform(4243);
    let refused = 0;
    let tries = 0;
    for (const [ref, tgt] of cases) {
      const delta = await encode(ref, tgt, { windowSize: 65_536 });
      for (let i = 0; i < 120; i++) {
        const mutated = mutate(delta, next);
        tries++;
        try {
          const out = await decode(ref, mutated);
          expect(Buffer.compare(out, tgt)).toBe(0);
        } catch (error) {
          expect(isDgError(error)).toBe(true);
          expect((error as Error).message).not.toContain("\n");
          refused++;
        }
      }
    }
    // Nearly every mutation is noticed (a few hit bytes that do not matter).
    expect(refused).toBeGreaterThan(tries * 0.8);
  });
});

function mutate(delta: Uint8Array, next: () => number): Uint8Array {
  const kind = Math.floor(next() * 5);
  const at = Math.floor(next() * delta.length);
  if (kind === 0) return delta.subarray(0, at);
  if (kind === 1) return concatBytes(delta, Uint8Array.of(Math.floor(next() * 256)));
  const out = delta.slice();
  if (kind === 2) out[at] = (out[at] as number) ^ (1 << Math.floor(next() * 8));
  else if (kind === 3) out[at] = Math.floor(next() * 256);
  else for (let i = 0; i < 8 && at + i < out.length; i++) out[at + i] = Math.floor(next() * 256);
  return out;
}
