import { createHash } from "node:crypto";
import { readlinkSync } from "node:fs";
import { lstat, readdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { errnoCode } from "./fs-errors.js";

// Files a process makes for itself alone (temp files, cache temp files, cache entries under a
// per-process key, partial downloads) carry an owner mark, `<pid>-<host token>`, in their name.
// A process that is killed (SIGKILL, power loss) cannot remove them; a later run removes those
// whose owner no longer exists. The host token names the machine and PID namespace the PID
// belongs to, so a PID is only ever checked where it means something: a folder shared by two
// containers, or over NFS by two machines, never has its files removed by the other side.

/**
 * How old a leftover must be before it is removed, besides its owner being gone: a second
 * guard should two machines ever share a folder under the same host token (the same host name
 * and the initial PID namespace).
 */
export const LEFTOVER_MIN_AGE_MS = 10 * 60 * 1000;

let token: string | undefined;

/** This machine and PID namespace, as 8 hex digits: a hash of the host name and the namespace. */
export function hostToken(): string {
  if (token === undefined) {
    let namespace = "";
    try {
      namespace = readlinkSync("/proc/self/ns/pid");
    } catch {
      // Not Linux: the host name alone.
    }
    token = createHash("sha256").update(`${hostname()}\0${namespace}`).digest("hex").slice(0, 8);
  }
  return token;
}

/**
 * The owner mark of this process, `<pid>-<host token>`, for the names of the files it alone
 * uses.
 *
 * @example
 * ```ts
 * const name = `.tmp-${ownerMark()}-${randomBytes(8).toString("hex")}`;
 * ```
 */
export function ownerMark(): string {
  return `${process.pid}-${hostToken()}`;
}

/** The pattern of an owner mark, for the regular expressions of file names that hold one. */
export const OWNER_MARK_PATTERN = "[1-9][0-9]*-[0-9a-f]{8}";

/**
 * Whether the process of an owner mark is gone: the mark is of this machine and PID namespace
 * and no process has that PID. A PID in use again by another process counts as alive (the
 * file is kept; safe), and so does a mark from elsewhere.
 *
 * @example
 * ```ts
 * if (ownerGone("4242-1a2b3c4d")) await rm(path);
 * ```
 */
export function ownerGone(mark: string): boolean {
  const match = /^([1-9][0-9]*)-([0-9a-f]{8})$/.exec(mark);
  if (match === null || match[2] !== hostToken()) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, under another user.
    return errnoCode(error) === "ESRCH";
  }
}

/** Options of {@link sweepLeftovers}. */
export interface SweepOptions {
  /** Minimum age (since last modified) of what is removed. Default {@link LEFTOVER_MIN_AGE_MS}. */
  readonly minAgeMs?: number;
  /** The time now, in ms since the epoch. Default `Date.now()`. */
  readonly now?: number;
}

/**
 * Remove the entries of `directory` (files, or folders with what they hold) that `ownerOf`
 * gives an owner mark for, whose owner is gone ({@link ownerGone}) and that were last modified
 * at least `minAgeMs` ago. Never throws: a folder that cannot be read, or an entry that cannot
 * be removed, is left as it is. Resolves to the paths removed.
 *
 * @example
 * ```ts
 * await sweepLeftovers(cacheFolder, (name) => /^\.tmp-(\d+-[0-9a-f]{8})-/.exec(name)?.[1]);
 * ```
 */
export async function sweepLeftovers(
  directory: string,
  ownerOf: (name: string) => string | undefined,
  options: SweepOptions = {},
): Promise<string[]> {
  const minAgeMs = options.minAgeMs ?? LEFTOVER_MIN_AGE_MS;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const mark = ownerOf(name);
    if (mark === undefined || !ownerGone(mark)) continue;
    const path = join(directory, name);
    try {
      const stats = await lstat(path);
      if (now - stats.mtimeMs < minAgeMs) continue;
      await rm(path, { recursive: stats.isDirectory(), force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}
