import { readFile, rename, truncate, writeFile } from "node:fs/promises";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cacheIn,
  entryPathIn,
  errorOf,
  exists,
  flipByte,
  KEY_A,
  KEY_B,
} from "../test/fs-cache-fixtures.js";
import {
  readAll,
  sameBytes,
  seededBytes,
  sha256Hex,
  streamOf,
  tempFolder,
} from "../test/helpers.js";
import { chunkOffset, DEFAULT_CHUNK_SIZE, HEADER_SIZE, TAG_SIZE } from "./entry-format.js";

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-fs-cache-");
});
afterEach(async () => {
  await folder.remove();
});

const cacheWith = (key: string, extra: { maxSizeBytes?: number; chunkSize?: number } = {}) =>
  cacheIn(folder.path, key, extra);
const entryPath = (sha: string, key: string): string => entryPathIn(folder.path, sha, key);

describe("createFsReferenceCache: corrupt, tampered and foreign entries", () => {
  it.each([
    ["magic", 0],
    ["chunk size", 10],
    ["plaintext size", 23],
    ["salt", 60],
    ["nonce prefix", 84],
    ["SHA-256", 100],
    ["header MAC", 140],
  ])(
    "treats a flipped byte in the header's %s as a corrupt entry: miss and removed",
    async (_field, offset) => {
      const cache = cacheWith(KEY_A);
      const data = seededBytes(4, 100_000);
      const sha = sha256Hex(data);
      await (await cache.put(sha, streamOf(data))).close();
      const path = entryPath(sha, KEY_A);
      await flipByte(path, offset);
      expect(await cache.get(sha)).toBeUndefined();
      expect(await exists(path)).toBe(false);
    },
  );

  it("finds a flipped ciphertext byte on read, throws IntegrityError and removes the entry", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(2, 5 * DEFAULT_CHUNK_SIZE + 10);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const path = entryPath(sha, KEY_A);
    await flipByte(path, chunkOffset(2, DEFAULT_CHUNK_SIZE) + 1234);

    const source = await cache.get(sha);
    expect(source).toBeDefined();
    if (!source) return;
    // Chunks before the damaged one still read fine.
    expect(sameBytes(Buffer.from(await source.read(0, 1000)), data.subarray(0, 1000))).toBe(true);
    const error = await errorOf(source.read(2 * DEFAULT_CHUNK_SIZE + 100, 10));
    expect(hasCode(error, "INTEGRITY"), String(error)).toBe(true);
    expect(await exists(path)).toBe(false);
    await source.close();
    expect(await cache.get(sha)).toBeUndefined();
  });

  it("fails only the read that needs a corrupt chunk, not the read-ahead before it", async () => {
    const chunkSize = 1000;
    const cache = cacheWith(KEY_A, { chunkSize });
    const data = seededBytes(16, 100 * chunkSize);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const path = entryPath(sha, KEY_A);
    await flipByte(path, chunkOffset(50, chunkSize) + 10);
    const source = await cache.get(sha);
    if (!source) throw new Error("miss");
    for (let at = 0; at < 50 * chunkSize; at += 500) {
      expect(sameBytes(await source.read(at, 500), data.subarray(at, at + 500))).toBe(true);
    }
    expect(await exists(path)).toBe(true);
    expect(hasCode(await errorOf(source.read(50 * chunkSize, 500)), "INTEGRITY")).toBe(true);
    expect(await exists(path)).toBe(false);
    await source.close();
  });

  it("finds a flipped tag byte on read", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(3, 2 * DEFAULT_CHUNK_SIZE);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    await flipByte(
      entryPath(sha, KEY_A),
      chunkOffset(1, DEFAULT_CHUNK_SIZE) + DEFAULT_CHUNK_SIZE + 3,
    );
    const source = await cache.get(sha);
    const error = await errorOf(source?.read(DEFAULT_CHUNK_SIZE, 1) ?? Promise.resolve());
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    await source?.close();
  });

  it("treats a truncated or extended file as corrupt", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(5, 3 * DEFAULT_CHUNK_SIZE + 5);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const path = entryPath(sha, KEY_A);
    // Drop exactly the last chunk: the header still says four chunks.
    await truncate(path, chunkOffset(3, DEFAULT_CHUNK_SIZE));
    expect(await cache.get(sha)).toBeUndefined();
    expect(await exists(path)).toBe(false);

    await (await cache.put(sha, streamOf(data))).close();
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(16)]));
    expect(await cache.get(sha)).toBeUndefined();
    expect(await exists(path)).toBe(false);
  });

  it("finds chunks swapped within a file", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(6, 4 * DEFAULT_CHUNK_SIZE);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const path = entryPath(sha, KEY_A);
    const bytes = await readFile(path);
    const sealed = DEFAULT_CHUNK_SIZE + TAG_SIZE;
    const one = Buffer.from(
      bytes.subarray(chunkOffset(1, DEFAULT_CHUNK_SIZE), chunkOffset(2, DEFAULT_CHUNK_SIZE)),
    );
    bytes.copy(
      bytes,
      chunkOffset(1, DEFAULT_CHUNK_SIZE),
      chunkOffset(2, DEFAULT_CHUNK_SIZE),
      chunkOffset(2, DEFAULT_CHUNK_SIZE) + sealed,
    );
    one.copy(bytes, chunkOffset(2, DEFAULT_CHUNK_SIZE));
    await writeFile(path, bytes);
    const source = await cache.get(sha);
    expect(
      hasCode(
        await errorOf(source?.read(DEFAULT_CHUNK_SIZE, 10) ?? Promise.resolve()),
        "INTEGRITY",
      ),
    ).toBe(true);
    await source?.close();
  });

  it("finds a chunk copied from another entry under the same key", async () => {
    const cache = cacheWith(KEY_A);
    const first = seededBytes(7, 2 * DEFAULT_CHUNK_SIZE);
    const second = Buffer.from(first);
    second[second.length - 1] = (second[second.length - 1] ?? 0) ^ 0xff; // same first chunk
    for (const data of [first, second])
      await (await cache.put(sha256Hex(data), streamOf(data))).close();
    const fromPath = entryPath(sha256Hex(second), KEY_A);
    const toPath = entryPath(sha256Hex(first), KEY_A);
    const from = await readFile(fromPath);
    const to = await readFile(toPath);
    from.copy(to, HEADER_SIZE, HEADER_SIZE, chunkOffset(1, DEFAULT_CHUNK_SIZE));
    await writeFile(toPath, to);
    const source = await cache.get(sha256Hex(first));
    expect(hasCode(await errorOf(source?.read(0, 10) ?? Promise.resolve()), "INTEGRITY")).toBe(
      true,
    );
    await source?.close();
  });

  it("misses on an entry written under another key, and leaves it alone", async () => {
    const data = seededBytes(8, 100_000);
    const sha = sha256Hex(data);
    await (await cacheWith(KEY_A).put(sha, streamOf(data))).close();
    const other = cacheWith(KEY_B);
    expect(await other.get(sha)).toBeUndefined();
    expect(await exists(entryPath(sha, KEY_A))).toBe(true);

    // Even moved to the name the other key would use, the header's key id tells it apart
    // from a corrupt entry: still a miss, still not deleted.
    await rename(entryPath(sha, KEY_A), entryPath(sha, KEY_B));
    expect(await other.get(sha)).toBeUndefined();
    expect(await exists(entryPath(sha, KEY_B))).toBe(true);

    await rename(entryPath(sha, KEY_B), entryPath(sha, KEY_A));
    const got = await cacheWith(KEY_A).get(sha);
    expect(sameBytes(got && (await readAll(got)), data)).toBe(true);
    await got?.close();
  });

  it("does not delete a fresh copy that replaced a corrupt entry while it was open", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(10, 3 * DEFAULT_CHUNK_SIZE);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    await flipByte(entryPath(sha, KEY_A), chunkOffset(1, DEFAULT_CHUNK_SIZE) + 5);
    const stale = await cache.get(sha);
    await (await cache.put(sha, streamOf(data))).close();
    expect(
      hasCode(await errorOf(stale?.read(DEFAULT_CHUNK_SIZE, 10) ?? Promise.resolve()), "INTEGRITY"),
    ).toBe(true);
    await stale?.close();
    const fresh = await cache.get(sha);
    expect(sameBytes(fresh && (await readAll(fresh)), data)).toBe(true);
    await fresh?.close();
  });
});
