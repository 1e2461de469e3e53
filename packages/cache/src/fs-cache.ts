import { randomBytes } from "node:crypto";
import { open, rename, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { ByteStream, OperationOptions, RandomAccessSource, ReferenceCache } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import {
  errnoCode,
  forgetAtExit,
  makeFolder,
  mapFsError,
  ownerMark,
  readFully,
  removeAtExit,
  sweepLeftovers,
} from "@dg/node";
import {
  cacheKeyFrom,
  checkSizeOption,
  DEFAULT_FS_CACHE_BYTES,
  defaultCacheDirectory,
} from "./cache-config.js";
import type { CacheKey, FileKeys } from "./cache-key.js";
import {
  DEFAULT_CHUNK_SIZE,
  encryptedFileSize,
  HEADER_SIZE,
  headerMacMatches,
  parseHeader,
} from "./entry-format.js";
import type { EntryHeader } from "./entry-format.js";
import { createEntrySource } from "./entry-source.js";
import { writeEncryptedEntry } from "./entry-writer.js";
import {
  cacheFileOwner,
  evictLeastRecentlyUsed,
  removeQuietly,
  TEMP_PREFIX,
} from "./lru-eviction.js";
import { assertSha256Hex } from "./sha256-name.js";

/**
 * Options of {@link createFsReferenceCache}. The cache reads no environment variable: the SDK
 * resolves `DG_CACHE_DIR`, `XDG_CACHE_HOME`, `DG_CACHE_MAX_SIZE_MB` and
 * `DG_CACHE_ENCRYPTION_KEY` into these options.
 */
export interface FsReferenceCacheOptions {
  /** The cache folder. Default: `~/.cache/deltaglider`. */
  readonly directory?: string;
  /**
   * 32 bytes, their base64 text, or a key from `parseCacheKey`. Default: a random key made
   * once per process (entries then cannot be read by other processes and are deleted at exit).
   */
  readonly encryptionKey?: string | Uint8Array | CacheKey;
  /** Bound on the bytes on disk of all entries. Default 2048 MiB. */
  readonly maxSizeBytes?: number;
  /** Plaintext bytes per encrypted chunk. Default 64 KiB. */
  readonly chunkSize?: number;
}

/** A filesystem reference cache, with where it lives and how big it may grow. */
export interface FsReferenceCache extends ReferenceCache {
  /** The cache folder; entries are in its `references` subfolder. */
  readonly directory: string;
  readonly maxSizeBytes: number;
  clear(): Promise<void>;
}

/**
 * A content-addressed reference cache on disk, encrypted at rest with AES-256-GCM in chunks
 * that are each authenticated, so that entries are read by position without decrypting the
 * whole file, and every byte returned has been checked. Bounded in size, least recently used
 * entries evicted first; several processes can share the folder.
 *
 * - `get` checks the entry's header (its MAC, the SHA-256 and the file length). An entry that
 *   fails is deleted and `get` misses. An entry written under another key is a miss but is
 *   left alone (another process may be using it).
 * - A chunk found corrupt during a later `read` makes that read throw `IntegrityError`, and
 *   the entry is deleted so that the next `get` misses and the reference is fetched again.
 * - `put` hashes while it encrypts; on a SHA-256 mismatch it throws `IntegrityError` and
 *   stores nothing. An entry larger than the whole bound is returned but not kept.
 *
 * @example
 * ```ts
 * const cache = createFsReferenceCache({ maxSizeBytes: 512 * 1024 * 1024 });
 * const source = (await cache.get(sha)) ?? (await cache.put(sha, downloadReference()));
 * try {
 *   const bytes = await source.read(0, 65536);
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export function createFsReferenceCache(options: FsReferenceCacheOptions = {}): FsReferenceCache {
  const directory = options.directory ?? defaultCacheDirectory();
  const folder = join(directory, "references");
  const maxSizeBytes =
    options.maxSizeBytes === undefined
      ? DEFAULT_FS_CACHE_BYTES
      : checkSizeOption(options.maxSizeBytes, "maxSizeBytes");
  const key: CacheKey = cacheKeyFrom(options.encryptionKey);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const folderHint = "Set DG_CACHE_DIR to a folder you can write to.";

  // Entries under this process's random key are named with its owner mark: once it is gone,
  // nobody can decrypt them, and a later run deletes them (`cacheFileOwner`).
  const entryPath = (sha256: string): string =>
    join(folder, `${sha256}.${key.keyTag}${key.ephemeral ? `.${ownerMark()}` : ""}.dgc`);
  // The first get or put sweeps what killed processes left in the folder.
  let swept: Promise<unknown> | undefined;
  const sweep = (): Promise<unknown> => {
    if (swept === undefined) swept = sweepLeftovers(folder, cacheFileOwner);
    return swept;
  };

  let eviction: Promise<void> | undefined;
  let evictAgain = false;
  const evict = (): Promise<void> => {
    if (eviction) {
      evictAgain = true;
      return eviction;
    }
    eviction = (async () => {
      do {
        evictAgain = false;
        await evictLeastRecentlyUsed(folder, maxSizeBytes).catch(() => undefined);
      } while (evictAgain);
    })().finally(() => {
      eviction = undefined;
    });
    return eviction;
  };

  const sourceFor = (
    handle: FileHandle,
    path: string,
    entry: EntryHeader,
    fileKeys: FileKeys,
  ): RandomAccessSource =>
    createEntrySource({
      handle,
      header: entry,
      fileKeys,
      path,
      onCorrupt: () => removeIfSameFile(path, handle),
    });

  return {
    directory,
    maxSizeBytes,

    async get(sha256: string, opts?: OperationOptions): Promise<RandomAccessSource | undefined> {
      assertSha256Hex(sha256);
      throwIfAborted(opts?.signal);
      await sweep();
      const path = entryPath(sha256);
      let handle: FileHandle;
      try {
        handle = await open(path, "r");
      } catch (error) {
        const code = errnoCode(error);
        if (code === "ENOENT" || code === "ENOTDIR") return undefined;
        throw mapFsError(error, { action: "open the cache entry", path, hint: folderHint });
      }
      try {
        const [stats, headerBytes] = await Promise.all([handle.stat(), readHeader(handle, path)]);
        const parsed = parseHeader(headerBytes, key.keyId);
        if (!parsed.ok && parsed.problem === "other-key") {
          await handle.close();
          return undefined;
        }
        const header = parsed.ok ? parsed.header : undefined;
        const fileKeys = header ? key.fileKeys(header.salt) : undefined;
        if (
          !header ||
          !fileKeys ||
          header.sha256 !== sha256 ||
          stats.size !== encryptedFileSize(header) ||
          !headerMacMatches(headerBytes, fileKeys.mac)
        ) {
          await removeIfSameFile(path, handle);
          await handle.close();
          return undefined;
        }
        const now = new Date();
        await handle.utimes(now, now).catch(() => undefined);
        return sourceFor(handle, path, header, fileKeys);
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw mapFsError(error, { action: "read the cache entry", path });
      }
    },

    async put(
      sha256: string,
      body: ByteStream,
      opts?: OperationOptions,
    ): Promise<RandomAccessSource> {
      assertSha256Hex(sha256);
      throwIfAborted(opts?.signal);
      await sweep();
      await makeFolder(folder, {
        mode: 0o700,
        action: "create the cache folder",
        hint: folderHint,
      });
      const tempPath = join(
        folder,
        `${TEMP_PREFIX}${ownerMark()}-${randomBytes(8).toString("hex")}`,
      );
      let handle: FileHandle;
      try {
        handle = await open(tempPath, "wx+", 0o600);
      } catch (error) {
        throw mapFsError(error, {
          action: "create a cache entry",
          path: tempPath,
          hint: folderHint,
        });
      }
      removeAtExit(tempPath);
      const path = entryPath(sha256);
      try {
        const written = await writeEncryptedEntry(handle, body, {
          key,
          sha256,
          chunkSize,
          path: tempPath,
          ...(opts?.signal ? { signal: opts.signal } : {}),
        });
        if (written.actualSha256 !== sha256) {
          throw new IntegrityError(
            `Reference SHA-256 mismatch: expected ${sha256}, got ${written.actualSha256}`,
            { hint: "The download was damaged or the reference changed; nothing was cached." },
          );
        }
        if (written.fileSize > maxSizeBytes) {
          // Larger than the whole cache: readable through this handle only, never kept.
          await removeQuietly(tempPath);
        } else {
          try {
            await rename(tempPath, path);
          } catch (error) {
            throw mapFsError(error, { action: "store the cache entry", path });
          }
          if (key.ephemeral) removeAtExit(path);
        }
        forgetAtExit(tempPath);
        const source = sourceFor(handle, path, written.header, written.fileKeys);
        await evict();
        return source;
      } catch (error) {
        await handle.close().catch(() => undefined);
        await removeQuietly(tempPath);
        forgetAtExit(tempPath);
        throw error;
      }
    },

    async delete(sha256: string): Promise<void> {
      assertSha256Hex(sha256);
      const path = entryPath(sha256);
      await removeQuietly(path);
      forgetAtExit(path);
    },

    /**
     * Every entry of the folder goes, whichever key wrote it (processes reading one keep
     * reading it); files being written are left to their writers.
     */
    async clear(): Promise<void> {
      await evictLeastRecentlyUsed(folder, 0);
    },
  };
}

async function readHeader(handle: FileHandle, path: string): Promise<Buffer> {
  const bytes = Buffer.alloc(HEADER_SIZE);
  const filled = await readFully(handle, bytes, 0, HEADER_SIZE, 0, {
    action: "read the cache entry",
    path,
  });
  return bytes.subarray(0, filled);
}

/**
 * Deletes `path` only if it is still the file `handle` has open: another process may have
 * renamed a fresh copy into place since this one was opened.
 */
async function removeIfSameFile(path: string, handle: FileHandle): Promise<void> {
  try {
    const [opened, current] = await Promise.all([handle.stat(), stat(path)]);
    if (opened.ino === current.ino && opened.dev === current.dev) await removeQuietly(path);
  } catch {
    // Gone already, or the handle is closed: nothing to remove.
  }
}
