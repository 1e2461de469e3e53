import { describe, expect, it } from "vitest";
import { seededBytes } from "../../test/seeded.js";
import type { ByteStream } from "../ports/common.js";
import { collectBytes, concatBytes } from "../util/bytes.js";
import { teeStream } from "./streams.js";

const data = seededBytes(31, 40_000);

async function* chunks(bytes: Uint8Array, size: number, pulled?: { n: number }): ByteStream {
  for (let at = 0; at < bytes.length; at += size) {
    if (pulled) pulled.n += 1;
    yield bytes.slice(at, at + size);
  }
}

describe("teeStream", () => {
  it("gives both branches every byte while reading the source once", async () => {
    const pulled = { n: 0 };
    const [a, b] = teeStream(chunks(data, 1000, pulled));
    const [x, y] = await Promise.all([collectBytes(a), collectBytes(b)]);
    expect(x).toEqual(data);
    expect(y).toEqual(data);
    expect(pulled.n).toBe(40);
  });

  it("keeps a branch at most maxAhead chunks ahead of the other", async () => {
    const pulled = { n: 0 };
    const [a, b] = teeStream(chunks(data, 1000, pulled), 3);
    const fast = a[Symbol.asyncIterator]();
    const got: Uint8Array[] = [];
    // The fast branch stops once the slow one is 3 chunks behind.
    const racing = (async () => {
      for (;;) {
        const next = await fast.next();
        if (next.done === true) return;
        got.push(next.value);
      }
    })();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(got.length).toBe(3);
    expect(pulled.n).toBe(3);
    // Once the slow branch reads, both finish.
    expect(await collectBytes(b)).toEqual(data);
    await racing;
    expect(concatBytes(got)).toEqual(data);
  });

  it("a cancelled branch no longer holds the other back", async () => {
    const [a, b] = teeStream(chunks(data, 1000), 2);
    b.cancel();
    expect(await collectBytes(a)).toEqual(data);
  });

  it("an error of the source reaches both branches", async () => {
    async function* failing(): ByteStream {
      yield data.slice(0, 10);
      throw new Error("disk gone");
    }
    const [a, b] = teeStream(failing());
    const results = await Promise.allSettled([collectBytes(a), collectBytes(b)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });

  it("cancelling both branches stops the source", async () => {
    let finished = false;
    async function* tracked(): ByteStream {
      try {
        yield* chunks(data, 1000);
      } finally {
        finished = true;
      }
    }
    const [a, b] = teeStream(tracked());
    const it = a[Symbol.asyncIterator]();
    await it.next();
    a.cancel();
    b.cancel();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(finished).toBe(true);
  });
});
