import type { RandomAccessSource } from "@dg/core";
import { CancelledError, InvalidArgumentError } from "@dg/core";
import { describe, expect, it } from "vitest";
import {
  chunked,
  concat,
  createRng,
  hasXdelta3,
  randomBytes,
  xdelta3Encode,
} from "../../test/fixtures-decode/harness.js";
import { writeTestDelta } from "../../test/fixtures-decode/vcdiff-writer.js";
import { createBufferSource } from "../vcdiff/buffer-source.js";
import { decodeVcdiff } from "./decode-vcdiff.js";

const xdelta3 = await hasXdelta3();
const rng = createRng(99);
const source = randomBytes(rng, 8_000_000);
// Copies from far apart: the window's source segment spans 6 MB for 200 KB of copies.
const target = concat(
  source.subarray(1_000_000, 1_100_000),
  randomBytes(rng, 3000),
  source.subarray(7_000_000, 7_100_000),
);

function countingSource(bytes: Uint8Array): RandomAccessSource & { readBytes: number } {
  const inner = createBufferSource(bytes);
  const counter = {
    readBytes: 0,
    size: inner.size,
    async read(position: number, length: number) {
      const out = await inner.read(position, length);
      counter.readBytes += out.length;
      return out;
    },
    close: () => inner.close(),
  };
  return counter;
}

describe.skipIf(!xdelta3)("streaming and bounded reads", () => {
  it("reads only the source ranges its COPY instructions use, when the segment is large", async () => {
    const delta = await xdelta3Encode(source, target, ["-9", "-D", "-R"]);
    const counted = countingSource(source);
    const parts: Uint8Array[] = [];
    for await (const part of decodeVcdiff(counted, chunked(delta))) parts.push(part.slice());
    expect(Buffer.from(concat(...parts)).equals(Buffer.from(target))).toBe(true);
    // 200 KB of copies, read in 64 KiB blocks: far less than the 6 MB segment.
    expect(counted.readBytes).toBeLessThan(500_000);
  });

  it("yields windows before the whole delta is read, and stops reading when the consumer stops", async () => {
    const delta = await xdelta3Encode(source, target, ["-9", "-D", "-R", "-W", "16384"]);
    let pulled = 0;
    let returned = false;
    const stream: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        const inner = chunked(delta, 512);
        return {
          next: async () => {
            const next = await inner.next();
            if (next.done !== true) pulled += next.value.length;
            return next;
          },
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    let windows = 0;
    for await (const part of decodeVcdiff(createBufferSource(source), stream)) {
      expect(part.length).toBeGreaterThan(0);
      windows++;
      if (windows === 2) break;
    }
    expect(pulled).toBeLessThan(delta.length);
    expect(returned).toBe(true);
  });

  it("stops with CancelledError when the signal aborts", async () => {
    const delta = await xdelta3Encode(source, target, ["-9", "-D", "-R", "-W", "16384"]);
    const controller = new AbortController();
    const seen: Uint8Array[] = [];
    const run = async () => {
      for await (const part of decodeVcdiff(createBufferSource(source), chunked(delta), {
        signal: controller.signal,
      })) {
        seen.push(part);
        controller.abort();
      }
    };
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
    expect(seen.length).toBe(1);
  });
});

describe("sparse copies from a large source segment", () => {
  it("are read block by block (a planning pass), not the whole segment", async () => {
    const big = randomBytes(createRng(5), 6_000_000);
    const expected = concat(
      big.subarray(10, 60),
      big.subarray(3_000_000, 3_000_100),
      big.subarray(3_000_200, 3_000_300), // close to the previous range: merged
      big.subarray(5_999_000, 6_000_000),
      big.subarray(10, 20),
    );
    const delta = writeTestDelta([
      {
        segment: { from: "source", position: 0, length: big.length },
        instructions: [
          { type: "copy", address: 10, size: 50 },
          { type: "copy", address: 3_000_000, size: 100 },
          { type: "copy", address: 3_000_200, size: 100 },
          { type: "copy", address: 5_999_000, size: 1000 },
          { type: "copy", address: 10, size: 10 },
        ],
        checksumOf: expected,
      },
    ]);
    const counted = countingSource(big);
    const parts: Uint8Array[] = [];
    for await (const part of decodeVcdiff(counted, chunked(delta))) parts.push(part.slice());
    expect(Buffer.from(concat(...parts)).equals(Buffer.from(expected))).toBe(true);
    // Four 64 KiB blocks (the two ranges near 3 MB share one).
    expect(counted.readBytes).toBeLessThanOrEqual(4 * 65536);
    expect(counted.readBytes).toBeGreaterThanOrEqual(1250);
  });
});

describe("scattered copies", () => {
  it("are read as exact ranges when whole blocks would cost more than the cache allows", async () => {
    const big = randomBytes(createRng(6), 3_000_000);
    const expected = concat(
      big.subarray(10, 60),
      big.subarray(1_500_000, 1_500_100),
      big.subarray(2_999_000, 2_999_500),
    );
    const delta = writeTestDelta([
      {
        segment: { from: "source", position: 0, length: big.length },
        instructions: [
          { type: "copy", address: 10, size: 50 },
          { type: "copy", address: 1_500_000, size: 100 },
          { type: "copy", address: 2_999_000, size: 500 },
        ],
        checksumOf: expected,
      },
    ]);
    for (const concurrency of [1, 4]) {
      const counted = countingSource(big);
      const parts: Uint8Array[] = [];
      for await (const part of decodeVcdiff(counted, chunked(delta), {
        sourceCacheSize: 0,
        sourceReadConcurrency: concurrency,
      })) {
        parts.push(part.slice());
      }
      expect(Buffer.from(concat(...parts)).equals(Buffer.from(expected))).toBe(true);
      expect(counted.readBytes).toBe(650);
    }
  });
});

describe("errors of the stream and the source", () => {
  const delta = writeTestDelta([
    {
      segment: { from: "source", position: 0, length: 4 },
      instructions: [{ type: "copy", address: 0, size: 4 }],
    },
  ]);

  it("passes an error of the delta stream through unchanged", async () => {
    const failure = new Error("connection reset");
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield delta.subarray(0, 5);
      throw failure;
    }
    const run = async () => {
      for await (const _ of decodeVcdiff(createBufferSource(source), failing())) {
        // nothing
      }
    };
    await expect(run()).rejects.toBe(failure);
  });

  it("passes an error of the source through unchanged", async () => {
    const failure = new Error("disk on fire");
    const broken: RandomAccessSource = {
      size: source.length,
      read: async () => {
        throw failure;
      },
      close: async () => undefined,
    };
    const run = async () => {
      for await (const _ of decodeVcdiff(broken, chunked(delta))) {
        // nothing
      }
    };
    await expect(run()).rejects.toBe(failure);
  });
});

describe("delta inputs", () => {
  const delta = writeTestDelta([{ instructions: [{ type: "run", byte: 65, size: 3 }] }]);
  const decodeFrom = async (input: Parameters<typeof decodeVcdiff>[1]) => {
    const parts: Uint8Array[] = [];
    for await (const part of decodeVcdiff(createBufferSource(new Uint8Array(0)), input)) {
      parts.push(part);
    }
    return new TextDecoder().decode(concat(...parts));
  };

  it("accepts one buffer, an array of chunks, or a stream", async () => {
    expect(await decodeFrom(delta)).toBe("AAA");
    expect(await decodeFrom([delta.subarray(0, 3), delta.subarray(3)])).toBe("AAA");
    expect(await decodeFrom(chunked(delta, 1))).toBe("AAA");
  });

  it("refuses bad options with InvalidArgumentError", async () => {
    const run = async (options: Parameters<typeof decodeVcdiff>[2]) => {
      for await (const _ of decodeVcdiff(createBufferSource(new Uint8Array(0)), delta, options)) {
        // nothing
      }
    };
    await expect(run({ maxWindowSize: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(run({ sourceReadConcurrency: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(run({ expectedSize: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("refuses something else with InvalidArgumentError", async () => {
    await expect(decodeFrom(42 as unknown as Uint8Array)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
