import { createHash } from "node:crypto";
import type { ByteStream, RandomAccessSource, ReferenceCache } from "@dg/core";
import { hasCode } from "@dg/core";
import { afterEach, describe, expect, it } from "vitest";

/** What a contract run needs: a fresh, empty cache, and how to throw it away afterwards. */
export interface ReferenceCacheHarness {
  readonly cache: ReferenceCache;
  dispose?(): Promise<void>;
}

/** Builds a fresh, empty cache for one test. */
export type ReferenceCacheFactory = () =>
  | ReferenceCache
  | ReferenceCacheHarness
  | Promise<ReferenceCache | ReferenceCacheHarness>;

/** Options of {@link referenceCacheContract}. */
export interface ReferenceCacheContractOptions {
  /**
   * Entry sizes the round-trip tests use. Defaults to sizes around 64 KiB chunk boundaries and
   * one entry of about 1.2 MB; give smaller ones for a cache with a small bound.
   */
  readonly sizes?: readonly number[];
}

const DEFAULT_SIZES = [0, 1, 1000, 65_535, 65_536, 65_537, 3 * 65_536 + 123, 1_234_567] as const;

/**
 * The behaviour every `ReferenceCache` adapter must have. Call it at the top level of a test
 * file; it declares one `describe` block.
 *
 * @example
 * ```ts
 * import { createSimpleMemoryReferenceCache } from "@dg/core/memory";
 * import { referenceCacheContract } from "@dg/testkit";
 * referenceCacheContract("simple memory cache", () => createSimpleMemoryReferenceCache());
 * ```
 */
export function referenceCacheContract(
  name: string,
  makeCache: ReferenceCacheFactory,
  options: ReferenceCacheContractOptions = {},
): void {
  const sizes = options.sizes ?? DEFAULT_SIZES;

  describe(`ReferenceCache contract: ${name}`, () => {
    const disposers: Array<() => Promise<void>> = [];
    const sources: RandomAccessSource[] = [];

    async function fresh(): Promise<ReferenceCache> {
      const made = await makeCache();
      if (isHarness(made)) {
        const dispose = made.dispose;
        if (dispose) disposers.push(() => dispose.call(made));
        return made.cache;
      }
      return made;
    }

    function track(source: RandomAccessSource): RandomAccessSource {
      sources.push(source);
      return source;
    }

    afterEach(async () => {
      for (const source of sources.splice(0)) await source.close().catch(() => undefined);
      for (const dispose of disposers.splice(0).reverse()) await dispose();
    });

    it("misses on an entry never stored", async () => {
      const cache = await fresh();
      expect(await cache.get(sha256Hex(seededBytes(1, 10)))).toBeUndefined();
    });

    for (const size of sizes) {
      it(`round-trips an entry of ${size} bytes through put and get`, async () => {
        const cache = await fresh();
        const data = seededBytes(size + 7, size);
        const sha = sha256Hex(data);
        const put = track(await cache.put(sha, chunked(data, size + 3)));
        expect(put.size).toBe(size);
        expectSameBytes(await readAll(put), data);
        const got = await cache.get(sha);
        expect(got).toBeDefined();
        if (!got) return;
        track(got);
        expect(got.size).toBe(size);
        expectSameBytes(await readAll(got), data);
      });
    }

    it("answers random reads at many positions and lengths like the original bytes", async () => {
      const cache = await fresh();
      const size = Math.max(...sizes);
      const data = seededBytes(42, size);
      const sha = sha256Hex(data);
      const put = track(await cache.put(sha, chunked(data, 9)));
      const got = await cache.get(sha);
      expect(got).toBeDefined();
      if (!got) return;
      track(got);
      const random = seededRandom(4242);
      for (let i = 0; i < 300; i++) {
        const source = i % 2 === 0 ? put : got;
        const position = Math.floor(random() * (size + 10));
        const length = pickLength(random, size);
        const expected = data.subarray(Math.min(position, size), Math.min(size, position + length));
        const actual = (await source.read(position, length)).slice();
        expectSameBytes(actual, expected, `read(${position}, ${length})`);
      }
    });

    it("answers concurrent reads on one source correctly", async () => {
      const cache = await fresh();
      const size = Math.max(...sizes);
      const data = seededBytes(77, size);
      const sha = sha256Hex(data);
      track(await cache.put(sha, chunked(data, 5)));
      const got = await cache.get(sha);
      expect(got).toBeDefined();
      if (!got) return;
      track(got);
      const random = seededRandom(99);
      const reads = Array.from({ length: 40 }, () => {
        const position = Math.floor(random() * size);
        return { position, length: pickLength(random, size) };
      });
      const results = await Promise.all(
        reads.map(async ({ position, length }) => (await got.read(position, length)).slice()),
      );
      reads.forEach(({ position, length }, i) => {
        const expected = data.subarray(position, Math.min(size, position + length));
        expectSameBytes(results[i] ?? new Uint8Array(0), expected, `read(${position}, ${length})`);
      });
    });

    it("stores and reads back an empty entry", async () => {
      const cache = await fresh();
      const empty = new Uint8Array(0);
      const sha = sha256Hex(empty);
      const put = track(await cache.put(sha, chunked(empty, 1)));
      expect(put.size).toBe(0);
      expect((await put.read(0, 100)).length).toBe(0);
      const got = await cache.get(sha);
      expect(got?.size).toBe(0);
      if (got) {
        track(got);
        expect((await got.read(0, 100)).length).toBe(0);
      }
    });

    it("rejects a body whose SHA-256 differs with IntegrityError and stores nothing", async () => {
      const cache = await fresh();
      const data = seededBytes(5, 100_000);
      const wrongSha = sha256Hex(seededBytes(6, 100_000));
      const error = await cache.put(wrongSha, chunked(data, 11)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(hasCode(error, "INTEGRITY"), String(error)).toBe(true);
      expect(await cache.get(wrongSha)).toBeUndefined();
      expect(await cache.get(sha256Hex(data))).toBeUndefined();
    });

    it("stores nothing when the body fails part way", async () => {
      const cache = await fresh();
      const data = seededBytes(8, 300_000);
      const sha = sha256Hex(data);
      const failure = new Error("connection reset");
      async function* failing(): ByteStream {
        yield data.subarray(0, 100_000);
        throw failure;
      }
      await expect(cache.put(sha, failing())).rejects.toBeDefined();
      expect(await cache.get(sha)).toBeUndefined();
    });

    it("deletes an entry, and deleting a missing entry is not an error", async () => {
      const cache = await fresh();
      const data = seededBytes(9, 70_000);
      const sha = sha256Hex(data);
      track(await cache.put(sha, chunked(data, 4)));
      await cache.delete(sha);
      expect(await cache.get(sha)).toBeUndefined();
      await cache.delete(sha);
      await cache.delete(sha256Hex(seededBytes(10, 5)));
    });

    it("clears every entry, keeping sources already returned readable", async () => {
      const cache = await fresh();
      if (cache.clear === undefined) throw new Error("the cache has no clear()");
      const entries = [15, 16].map((seed) => seededBytes(seed, 40_000 + seed));
      const sources = [];
      for (const data of entries)
        sources.push(track(await cache.put(sha256Hex(data), chunked(data, 3))));
      await cache.clear();
      for (const data of entries) expect(await cache.get(sha256Hex(data))).toBeUndefined();
      const [first] = sources;
      if (first) expectSameBytes(await readAll(first), entries[0] as Uint8Array);
      const again = seededBytes(17, 1000);
      track(await cache.put(sha256Hex(again), chunked(again, 2)));
      expect(await cache.get(sha256Hex(again))).toBeDefined();
      await cache.clear();
    });

    it("keeps an entry readable when the same content is put twice", async () => {
      const cache = await fresh();
      const data = seededBytes(11, 200_000);
      const sha = sha256Hex(data);
      const first = track(await cache.put(sha, chunked(data, 6)));
      const second = track(await cache.put(sha, chunked(data, 2)));
      expectSameBytes(await readAll(second), data);
      expectSameBytes(await readAll(first), data);
      const got = await cache.get(sha);
      expect(got).toBeDefined();
      if (got) expectSameBytes(await readAll(track(got)), data);
    });

    it("keeps several entries apart", async () => {
      const cache = await fresh();
      const entries = [12, 13, 14].map((seed) => seededBytes(seed, 50_000 + seed));
      for (const data of entries)
        track(await cache.put(sha256Hex(data), chunked(data, chunkSeed(data))));
      for (const data of entries) {
        const got = await cache.get(sha256Hex(data));
        expect(got).toBeDefined();
        if (got) expectSameBytes(await readAll(track(got)), data);
      }
    });

    it("refuses reads after close", async () => {
      const cache = await fresh();
      const data = seededBytes(15, 1000);
      const source = await cache.put(sha256Hex(data), chunked(data, 1));
      await source.close();
      await expect(source.read(0, 10)).rejects.toBeDefined();
    });
  });
}

function isHarness(value: ReferenceCache | ReferenceCacheHarness): value is ReferenceCacheHarness {
  return "cache" in value && typeof (value as ReferenceCacheHarness).cache === "object";
}

function chunkSeed(data: Uint8Array): number {
  return (data[0] ?? 0) + 1;
}

/** Mostly small reads, some spanning several 64 KiB chunks, some past the end. */
function pickLength(random: () => number, size: number): number {
  const kind = random();
  if (kind < 0.1) return 0;
  if (kind < 0.5) return 1 + Math.floor(random() * 4096);
  if (kind < 0.8) return 1 + Math.floor(random() * 200_000);
  return 1 + Math.floor(random() * (size + 100));
}

/** Compares without vitest's element-by-element diff, which is slow on megabytes. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const same = Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(
    Buffer.from(expected.buffer, expected.byteOffset, expected.length),
  );
  expect(same, `${what}: content`).toBe(true);
}

async function readAll(source: RandomAccessSource): Promise<Uint8Array> {
  const out = new Uint8Array(source.size);
  let position = 0;
  while (position < source.size) {
    const chunk = await source.read(position, Math.min(100_003, source.size - position));
    if (chunk.length === 0) throw new Error(`short read at ${position} of ${source.size}`);
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}

/** Yields `data` in irregular pieces (1 B to ~100 KB), fresh copies each time. */
async function* chunked(data: Uint8Array, seedValue: number): ByteStream {
  const random = seededRandom(seedValue);
  let position = 0;
  while (position < data.length) {
    const length = 1 + Math.floor(random() * 100_000);
    yield data.slice(position, position + length);
    position += length;
  }
}

function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** mulberry32: a tiny seeded PRNG, so that failures reproduce. */
function seededRandom(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seededBytes(seedValue: number, size: number): Uint8Array {
  const random = seededRandom(seedValue);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const word = Math.floor(random() * 4294967296);
    out[i] = word & 0xff;
    if (i + 1 < size) out[i + 1] = (word >>> 8) & 0xff;
    if (i + 2 < size) out[i + 2] = (word >>> 16) & 0xff;
    if (i + 3 < size) out[i + 3] = (word >>> 24) & 0xff;
  }
  return out;
}
