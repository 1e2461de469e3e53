import { readdir, readFile, rename, stat, truncate, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  canaryText,
  findPatternWindows,
  listFiles,
  readAll,
  sameBytes,
  seededBytes,
  sha256Hex,
  streamOf,
  tempFolder,
} from "../test/helpers.js";
import { parseCacheKey } from "./cache-key.js";
import { chunkOffset, DEFAULT_CHUNK_SIZE, HEADER_SIZE, TAG_SIZE } from "./entry-format.js";
import { createFsReferenceCache } from "./fs-cache.js";

const KEY_A = seededBytes(101, 32).toString("base64");
const KEY_B = seededBytes(202, 32).toString("base64");

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-fs-cache-");
});
afterEach(async () => {
  await folder.remove();
});

function cacheWith(key: string, extra: { maxSizeBytes?: number } = {}) {
  return createFsReferenceCache({ directory: folder.path, encryptionKey: key, env: {}, ...extra });
}

function entryPath(sha: string, key: string): string {
  return join(folder.path, "references", `${sha}.${parseCacheKey(key, "test").keyTag}.dgc`);
}

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x01;
  await writeFile(path, bytes);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("createFsReferenceCache", () => {
  it("stores an entry as a private file named by its SHA-256 and key, and reads it back", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(1, 300_001);
    const sha = sha256Hex(data);
    const put = await cache.put(sha, streamOf(data));
    expect(put.path).toBeUndefined();
    expect(sameBytes(await readAll(put), data)).toBe(true);
    await put.close();

    const file = await stat(entryPath(sha, KEY_A));
    expect(file.mode & 0o777).toBe(0o600);
    expect((await stat(join(folder.path, "references"))).mode & 0o777).toBe(0o700);
    const chunks = Math.ceil(data.length / DEFAULT_CHUNK_SIZE);
    expect(file.size).toBe(HEADER_SIZE + data.length + chunks * TAG_SIZE);

    const got = await cache.get(sha);
    expect(got?.path).toBeUndefined();
    expect(sameBytes(got && (await readAll(got)), data)).toBe(true);
    await got?.close();
  });

  it("writes no plaintext: no 32-byte window of the content appears in any file", async () => {
    const cache = cacheWith(KEY_A);
    const data = canaryText(400_000);
    const sha = sha256Hex(data);
    const sources = [await cache.put(sha, streamOf(data, 3_000))];
    const got = await cache.get(sha);
    if (got) sources.push(got);
    for (const source of sources) await readAll(source);

    const files = await listFiles(folder.path);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(findPatternWindows(await readFile(file.path), data), file.path).toEqual([]);
    }
    // The scan itself finds the canary when it is there.
    const plain = join(folder.path, "plain.txt");
    await writeFile(plain, Buffer.concat([Buffer.from("xx"), data.subarray(1000, 1040)]));
    expect(findPatternWindows(await readFile(plain), data).length).toBeGreaterThan(0);
    for (const source of sources) await source.close();
  });

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

  it("reads small sequential pieces correctly through the read-ahead", async () => {
    const cache = createFsReferenceCache({
      directory: folder.path,
      encryptionKey: KEY_A,
      chunkSize: 1000,
      env: {},
    });
    const data = seededBytes(15, 2_500_123);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const source = await cache.get(sha);
    if (!source) throw new Error("miss");
    const parts: Buffer[] = [];
    for (let at = 0; at < data.length; at += 333)
      parts.push(Buffer.from(await source.read(at, 333)));
    expect(sameBytes(Buffer.concat(parts), data)).toBe(true);
    await source.close();
  });

  it("fails only the read that needs a corrupt chunk, not the read-ahead before it", async () => {
    const chunkSize = 1000;
    const cache = createFsReferenceCache({
      directory: folder.path,
      encryptionKey: KEY_A,
      chunkSize,
      env: {},
    });
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

  it("keeps entries of the same content under two keys side by side", async () => {
    const data = seededBytes(9, 1000);
    const sha = sha256Hex(data);
    await (await cacheWith(KEY_A).put(sha, streamOf(data))).close();
    await (await cacheWith(KEY_B).put(sha, streamOf(data))).close();
    expect(await exists(entryPath(sha, KEY_A))).toBe(true);
    expect(await exists(entryPath(sha, KEY_B))).toBe(true);
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

  it("keeps reading an open entry after it is deleted", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(11, 200_000);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const source = await cache.get(sha);
    await cache.delete(sha);
    expect(await cache.get(sha)).toBeUndefined();
    expect(sameBytes(source && (await readAll(source)), data)).toBe(true);
    await source?.close();
  });

  it("stores nothing on a SHA-256 mismatch, not even a temp file", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(12, 150_000);
    const error = await errorOf(cache.put(sha256Hex(seededBytes(13, 10)), streamOf(data)));
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect(await listFiles(folder.path)).toEqual([]);
  });

  it("stops a put when its signal is aborted, leaving nothing", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(14, 150_000);
    const controller = new AbortController();
    async function* body() {
      yield data.subarray(0, 50_000);
      controller.abort();
      yield data.subarray(50_000);
    }
    const error = await errorOf(cache.put(sha256Hex(data), body(), { signal: controller.signal }));
    expect(hasCode(error, "CANCELLED")).toBe(true);
    expect(await listFiles(folder.path)).toEqual([]);
  });

  it("rejects a name that is not a SHA-256", async () => {
    const cache = cacheWith(KEY_A);
    expect(hasCode(await errorOf(cache.get("../../etc/passwd")), "INVALID_ARGUMENT")).toBe(true);
    expect(
      hasCode(await errorOf(cache.put("ABC", streamOf(Buffer.alloc(1)))), "INVALID_ARGUMENT"),
    ).toBe(true);
    expect(hasCode(await errorOf(cache.delete("x".repeat(64))), "INVALID_ARGUMENT")).toBe(true);
  });

  it("keeps the total size under the bound, evicting the least recently used first", async () => {
    const entrySize = 200_000;
    const onDisk = HEADER_SIZE + entrySize + Math.ceil(entrySize / DEFAULT_CHUNK_SIZE) * TAG_SIZE;
    const cache = cacheWith(KEY_A, { maxSizeBytes: 3 * onDisk + 100 });
    const entries = [20, 21, 22].map((seed) => seededBytes(seed, entrySize));
    for (const data of entries) await (await cache.put(sha256Hex(data), streamOf(data))).close();
    // Make the order of use explicit, oldest first, then use the oldest one.
    const now = Date.now() / 1000;
    for (const [i, data] of entries.entries()) {
      await utimes(entryPath(sha256Hex(data), KEY_A), now - 300 + i, now - 300 + i);
    }
    await (await cache.get(sha256Hex(entries[0] ?? Buffer.alloc(0))))?.close();

    const newcomer = seededBytes(23, entrySize);
    await (await cache.put(sha256Hex(newcomer), streamOf(newcomer))).close();
    const present = async (data: Buffer) => exists(entryPath(sha256Hex(data), KEY_A));
    expect(await present(entries[0] ?? Buffer.alloc(0))).toBe(true);
    expect(await present(entries[1] ?? Buffer.alloc(0))).toBe(false);
    expect(await present(entries[2] ?? Buffer.alloc(0))).toBe(true);
    expect(await present(newcomer)).toBe(true);

    for (let seed = 30; seed < 40; seed++) {
      const data = seededBytes(seed, entrySize);
      await (await cache.put(sha256Hex(data), streamOf(data))).close();
      const files = await listFiles(join(folder.path, "references"));
      expect(files.reduce((sum, file) => sum + file.size, 0)).toBeLessThanOrEqual(
        cache.maxSizeBytes,
      );
      expect(await present(data)).toBe(true);
    }
  });

  it("returns an entry larger than the whole bound without keeping it", async () => {
    const cache = cacheWith(KEY_A, { maxSizeBytes: 100_000 });
    const data = seededBytes(24, 250_000);
    const sha = sha256Hex(data);
    const source = await cache.put(sha, streamOf(data));
    expect(sameBytes(await readAll(source), data)).toBe(true);
    expect(await listFiles(folder.path)).toEqual([]);
    expect(sameBytes(await readAll(source), data)).toBe(true);
    await source.close();
    expect(await cache.get(sha)).toBeUndefined();
  });

  it("touches an entry on a hit, so that it counts as recently used", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(25, 10);
    const sha = sha256Hex(data);
    await (await cache.put(sha, streamOf(data))).close();
    const old = Date.now() / 1000 - 3600;
    await utimes(entryPath(sha, KEY_A), old, old);
    await (await cache.get(sha))?.close();
    expect((await stat(entryPath(sha, KEY_A))).mtimeMs).toBeGreaterThan(old * 1000 + 1000);
  });

  it("lets two puts of the same entry race and keeps one readable file", async () => {
    const cache = cacheWith(KEY_A);
    const data = seededBytes(26, 500_000);
    const sha = sha256Hex(data);
    const sources = await Promise.all([
      cache.put(sha, streamOf(data, 7_000)),
      cache.put(sha, streamOf(data, 13_000)),
    ]);
    for (const source of sources) {
      expect(sameBytes(await readAll(source), data)).toBe(true);
      await source.close();
    }
    expect(await readdir(join(folder.path, "references"))).toEqual([
      `${sha}.${parseCacheKey(KEY_A, "t").keyTag}.dgc`,
    ]);
  });

  it("shares entries between caches of the same process key", async () => {
    const first = createFsReferenceCache({ directory: folder.path, env: {} });
    const second = createFsReferenceCache({ directory: folder.path, env: {} });
    const data = seededBytes(27, 1000);
    const sha = sha256Hex(data);
    await (await first.put(sha, streamOf(data))).close();
    const got = await second.get(sha);
    expect(sameBytes(got && (await readAll(got)), data)).toBe(true);
    await got?.close();
  });
});
