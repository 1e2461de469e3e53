import { readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheIn, entryPathIn, errorOf, exists, KEY_A, KEY_B } from "../test/fs-cache-fixtures.js";
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
import { DEFAULT_CHUNK_SIZE, HEADER_SIZE, TAG_SIZE } from "./entry-format.js";
import { createFsReferenceCache } from "./fs-cache.js";

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

  it("reads small sequential pieces correctly through the read-ahead", async () => {
    const cache = createFsReferenceCache({
      directory: folder.path,
      encryptionKey: KEY_A,
      chunkSize: 1000,
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

  it("keeps entries of the same content under two keys side by side", async () => {
    const data = seededBytes(9, 1000);
    const sha = sha256Hex(data);
    await (await cacheWith(KEY_A).put(sha, streamOf(data))).close();
    await (await cacheWith(KEY_B).put(sha, streamOf(data))).close();
    expect(await exists(entryPath(sha, KEY_A))).toBe(true);
    expect(await exists(entryPath(sha, KEY_B))).toBe(true);
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
    const first = createFsReferenceCache({ directory: folder.path });
    const second = createFsReferenceCache({ directory: folder.path });
    const data = seededBytes(27, 1000);
    const sha = sha256Hex(data);
    await (await first.put(sha, streamOf(data))).close();
    const got = await second.get(sha);
    expect(sameBytes(got && (await readAll(got)), data)).toBe(true);
    await got?.close();
  });
});

describe("createFsReferenceCache folder and bound", () => {
  it("uses ~/.cache/deltaglider and 2048 MiB unless the options say otherwise", () => {
    const defaults = createFsReferenceCache();
    expect(defaults.directory).toBe(join(homedir(), ".cache", "deltaglider"));
    expect(defaults.maxSizeBytes).toBe(2048 * 1024 * 1024);
    const chosen = createFsReferenceCache({ directory: "/z", maxSizeBytes: 10 });
    expect(chosen).toMatchObject({ directory: "/z", maxSizeBytes: 10 });
  });

  it("takes a key made by parseCacheKey, and refuses a malformed one naming its source", () => {
    const key = parseCacheKey(KEY_A, "DG_CACHE_ENCRYPTION_KEY");
    expect(createFsReferenceCache({ directory: "/z", encryptionKey: key }).directory).toBe("/z");
    expect(() => parseCacheKey("secret", "DG_CACHE_ENCRYPTION_KEY")).toThrow(
      /DG_CACHE_ENCRYPTION_KEY/,
    );
  });
});
