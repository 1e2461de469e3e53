import { describe, expect, it } from "vitest";
import { createByteReader, peekStream } from "./byte-reader.js";

async function* pieces(...sizes: number[]): AsyncGenerator<Uint8Array> {
  let n = 0;
  for (const size of sizes) {
    const chunk = new Uint8Array(size);
    for (let i = 0; i < size; i++) chunk[i] = n++ & 0xff;
    yield chunk;
  }
}

async function all(stream: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of stream) out.push(...chunk);
  return out;
}

describe("createByteReader", () => {
  it("reads exact runs across chunk boundaries, then the rest", async () => {
    const reader = createByteReader(pieces(3, 1, 10, 0, 5));
    expect([...(await reader.read(5))]).toEqual([0, 1, 2, 3, 4]);
    expect(await all(reader.take(4))).toEqual([5, 6, 7, 8]);
    expect(await reader.atEnd()).toBe(false);
    expect(await all(reader.rest())).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(await reader.atEnd()).toBe(true);
    expect((await reader.read(3)).length).toBe(0);
  });

  it("yields fewer bytes when the stream ends early", async () => {
    const reader = createByteReader(pieces(2, 2));
    expect((await all(reader.take(10))).length).toBe(4);
  });
});

describe("peekStream", () => {
  it("replays the peeked bytes", async () => {
    const { head, stream } = await peekStream(pieces(1, 1, 6), 4);
    expect([...head]).toEqual([0, 1, 2, 3]);
    expect(await all(stream)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("handles streams shorter than the peek", async () => {
    const { head, stream } = await peekStream(pieces(2), 4);
    expect(head.length).toBe(2);
    expect(await all(stream)).toEqual([0, 1]);
  });
});
