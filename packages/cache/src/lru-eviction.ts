import { lstat, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode, OWNER_MARK_PATTERN } from "@dg/node";

/**
 * Entry files: `<sha256>.<key tag>.dgc`, and `<sha256>.<key tag>.<owner mark>.dgc` under a
 * process's random key (no other process can read them: they are removed once it is gone).
 */
export const ENTRY_FILE = new RegExp(
  `^[0-9a-f]{64}\\.[0-9a-f]{16}(?:\\.(${OWNER_MARK_PATTERN}))?\\.dgc$`,
);
/** Files being written: `.tmp-<owner mark>-<random>`. */
export const TEMP_PREFIX = ".tmp-";
const TEMP_FILE = new RegExp(`^\\.tmp-(${OWNER_MARK_PATTERN})-[0-9a-f]{16}$`);

/**
 * The owner mark in the name of a cache file only one process can use (a temp file, an entry
 * under its random key), for `sweepLeftovers`.
 */
export function cacheFileOwner(name: string): string | undefined {
  return (TEMP_FILE.exec(name) ?? ENTRY_FILE.exec(name))?.[1];
}
/** A temp file nobody has written to for this long was left by a crashed writer. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface EvictionResult {
  readonly removed: number;
  readonly totalBytes: number;
}

/**
 * Deletes the least recently used entries of `folder` (oldest modification time first; a
 * cache hit touches it) until their total size is at most `maxBytes`, and temp files left by
 * crashed writers. Safe to run in several processes at once: files that vanish meanwhile are
 * skipped, and readers that have an entry open keep reading it after it is unlinked.
 */
export async function evictLeastRecentlyUsed(
  folder: string,
  maxBytes: number,
  now: number = Date.now(),
): Promise<EvictionResult> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { removed: 0, totalBytes: 0 };
    throw error;
  }
  const entries: Array<{ path: string; size: number; mtimeMs: number }> = [];
  let totalBytes = 0;
  for (const name of names) {
    const isEntry = ENTRY_FILE.test(name);
    if (!isEntry && !name.startsWith(TEMP_PREFIX)) continue;
    const path = join(folder, name);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats?.isFile()) continue;
    if (isEntry) {
      entries.push({ path, size: stats.size, mtimeMs: stats.mtimeMs });
      totalBytes += stats.size;
    } else if (now - stats.mtimeMs > STALE_TEMP_MS) {
      await removeQuietly(path);
    }
  }
  let removed = 0;
  if (totalBytes <= maxBytes) return { removed, totalBytes };
  entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const entry of entries) {
    if (totalBytes <= maxBytes) break;
    if (await removeQuietly(entry.path)) removed += 1;
    totalBytes -= entry.size;
  }
  return { removed, totalBytes };
}

/** Unlinks `path`; false when it was already gone or could not be removed. */
export async function removeQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch {
    return false;
  }
}
