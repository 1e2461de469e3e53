import { readdir } from "node:fs/promises";
import type { ByteStream } from "@dg/core";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  readAll,
  sameBytes,
  seededBytes,
  sha256Hex,
  streamOf,
  tempFolder,
} from "../test/helpers.js";
import { createMemoryReferenceCache } from "./memory-cache.js";

let spool: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  spool = await tempFolder("dg-memory-cache-");
});
afterEach(async () => {
  await spool.remove();
});

function cacheOf(maxSizeBytes: number) {
  return createMemoryReferenceCache({ maxSizeBytes, spoolDirectory: spool.path });
}

async function putAndClose(cache: ReturnType<typeof cacheOf>, data: Uint8Array): Promise<string> {
  const sha = sha256Hex(data);
  await (await cache.put(sha, streamOf(data, 3_333))).close();
  return sha;
}

describe("createMemoryReferenceCache", () => {
  it("evicts the least recently used entry first, and counts bytes exactly", async () => {
    const cache = cacheOf(1000);
    const a = await putAndClose(cache, seededBytes(1, 400));
    const b = await putAndClose(cache, seededBytes(2, 400));
    expect(cache.usedBytes).toBe(800);
    await (await cache.get(a))?.close();
    const c = await putAndClose(cache, seededBytes(3, 400));
    expect(await cache.get(b)).toBeUndefined();
    expect(await cache.get(a)).toBeDefined();
    expect(await cache.get(c)).toBeDefined();
    expect(cache.usedBytes).toBe(800);
    expect(cache.entryCount).toBe(2);
  });

  it("counts an entry put twice once", async () => {
    const cache = cacheOf(1000);
    const data = seededBytes(4, 600);
    await putAndClose(cache, data);
    await putAndClose(cache, data);
    expect(cache.usedBytes).toBe(600);
    expect(cache.entryCount).toBe(1);
    await cache.delete(sha256Hex(data));
    expect(cache.usedBytes).toBe(0);
    expect(cache.entryCount).toBe(0);
  });

  it("holds an entry exactly as large as the bound", async () => {
    const cache = cacheOf(5 * 1024 * 1024);
    const data = seededBytes(5, 5 * 1024 * 1024);
    const sha = await putAndClose(cache, data);
    const got = await cache.get(sha);
    expect(sameBytes(got && (await readAll(got)), data)).toBe(true);
    expect(cache.usedBytes).toBe(data.length);
  });

  it("spools an entry larger than the bound to an encrypted temp file, and does not cache it", async () => {
    const cache = cacheOf(100_000);
    const kept = await putAndClose(cache, seededBytes(6, 50_000));
    const data = seededBytes(7, 1_000_003);
    const sha = sha256Hex(data);
    const source = await cache.put(sha, streamOf(data, 30_000));
    // The spool file is unlinked as soon as it is open: nothing to see, nothing left behind.
    expect(await readdir(spool.path)).toEqual([]);
    expect(source.size).toBe(data.length);
    expect(sameBytes(await readAll(source), data)).toBe(true);
    expect(sameBytes(await source.read(999_000, 10_000), data.subarray(999_000))).toBe(true);
    await source.close();
    expect(await cache.get(sha)).toBeUndefined();
    expect(await cache.get(kept)).toBeDefined();
    expect(cache.usedBytes).toBe(50_000);
  });

  it("checks the SHA-256 of a spooled entry too", async () => {
    const cache = cacheOf(10_000);
    const error = await cache
      .put(sha256Hex(seededBytes(8, 5)), streamOf(seededBytes(9, 80_000)))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect(await readdir(spool.path)).toEqual([]);
  });

  it("caches nothing with a bound of zero, but still returns a usable source", async () => {
    const cache = cacheOf(0);
    const data = seededBytes(10, 3000);
    const sha = sha256Hex(data);
    const source = await cache.put(sha, streamOf(data));
    expect(sameBytes(await readAll(source), data)).toBe(true);
    await source.close();
    expect(await cache.get(sha)).toBeUndefined();
    expect(cache.usedBytes).toBe(0);
  });

  it("keeps a source readable after its entry is evicted", async () => {
    const cache = cacheOf(1000);
    const data = seededBytes(11, 900);
    const sha = sha256Hex(data);
    const source = await cache.put(sha, streamOf(data));
    await putAndClose(cache, seededBytes(12, 900));
    expect(await cache.get(sha)).toBeUndefined();
    expect(sameBytes(await readAll(source), data)).toBe(true);
  });

  it("hands out copies, so a caller cannot change the cached bytes", async () => {
    const cache = cacheOf(1000);
    const data = seededBytes(13, 100);
    const sha = await putAndClose(cache, data);
    const first = await cache.get(sha);
    (await first?.read(0, 100))?.fill(0);
    const second = await cache.get(sha);
    expect(sameBytes(second && (await readAll(second)), data)).toBe(true);
  });

  it("closes the body when the put fails part way", async () => {
    const cache = cacheOf(1000);
    let closed = false;
    const body: ByteStream = {
      [Symbol.asyncIterator]() {
        let sent = 0;
        return {
          async next() {
            sent += 1;
            if (sent > 2) throw new Error("reset");
            return { done: false, value: new Uint8Array(10) };
          },
          async return() {
            closed = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    await expect(cache.put(sha256Hex(new Uint8Array(30)), body)).rejects.toThrow("reset");
    expect(closed).toBe(true);
    expect(cache.entryCount).toBe(0);
  });

  it("is bounded to 100 MiB unless the option says otherwise", () => {
    expect(createMemoryReferenceCache().maxSizeBytes).toBe(100 * 1024 * 1024);
    expect(createMemoryReferenceCache({ maxSizeBytes: 7 }).maxSizeBytes).toBe(7);
  });
});
