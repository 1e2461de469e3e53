import { randomBytes } from "node:crypto";
import { mkdir, rm, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgetAtExit, removeAtExit } from "./exit-cleanup.js";
import { openFile } from "./file-io.js";
import { errnoCode, mapFsError } from "./fs-errors.js";
import { ownerMark, sweepLeftovers } from "./leftovers.js";

// The one owner of deltaglider's temporary files and folders: every one is created here, under
// a name from `tempName`, and registered for removal at exit. The first one a process makes in
// a folder sweeps that folder of what killed processes left (see `sweepTempFolder`).

const TEMP_NAME = /^deltaglider-(([1-9][0-9]*)-[0-9a-f]{8})-[0-9a-f]{16}(?:\.[a-z0-9-]+)?$/;

/**
 * A fresh name for a temporary file or folder:
 * `deltaglider-<pid>-<host token>-<16 hex digits><suffix>`. The owner mark (`ownerMark`) says
 * which process owns it, so a later run can tell the leftovers of a process that died
 * (SIGKILL, power loss) from the files of one still running.
 *
 * @example
 * ```ts
 * tempName(".tmp"); // "deltaglider-4242-1a2b3c4d-9f86d081884c7d65.tmp"
 * ```
 */
export function tempName(suffix = ""): string {
  return `deltaglider-${ownerMark()}-${randomBytes(8).toString("hex")}${suffix}`;
}

/**
 * The process id in a name made by {@link tempName}, or `undefined` for any other name.
 *
 * @example
 * ```ts
 * tempNameOwner("deltaglider-4242-1a2b3c4d-9f86d081884c7d65.tmp"); // 4242
 * tempNameOwner("notes.txt"); // undefined
 * ```
 */
export function tempNameOwner(name: string): number | undefined {
  const match = TEMP_NAME.exec(name);
  return match?.[2] === undefined ? undefined : Number(match[2]);
}

const swept = new Map<string, Promise<string[]>>();

/**
 * Remove from `directory` (default `os.tmpdir()`) the temporary files and folders of
 * processes that no longer exist and that are older than `LEFTOVER_MIN_AGE_MS` (see
 * `sweepLeftovers`); never those of a live process. Runs once per folder and process, and
 * `createTempFile`, `createTempDir` and the scratch space call it before the first file they
 * make there; resolves to the paths removed (by the first call).
 *
 * @example
 * ```ts
 * await sweepTempFolder(); // what killed runs left in $TMPDIR
 * ```
 */
export function sweepTempFolder(directory: string = tmpdir()): Promise<string[]> {
  let sweep = swept.get(directory);
  if (sweep === undefined) {
    sweep = sweepLeftovers(directory, (name) => TEMP_NAME.exec(name)?.[1]);
    swept.set(directory, sweep);
  }
  return sweep;
}

/** Where a temporary file or folder goes, and how its name ends. */
export interface TempOptions {
  /** The folder it is made in. Default (also when `undefined`) `os.tmpdir()`. */
  readonly directory?: string | undefined;
  /** The end of its name, such as `".tmp"`. Default none. */
  readonly suffix?: string | undefined;
}

/** A temporary file, open for reading and writing. */
export interface TempFile {
  readonly path: string;
  readonly handle: FileHandle;
  /**
   * Delete the file (closing the handle is the caller's). Where the system refuses, the file
   * stays registered for removal at exit.
   */
  remove(): Promise<void>;
}

/**
 * Create a new temporary file, readable by this user only (mode 0600), deleted at exit unless
 * removed first.
 *
 * @example
 * ```ts
 * const temp = await createTempFile({ suffix: ".tmp" });
 * try {
 *   await writeFully(temp.handle, bytes, 0, { action: "write", path: temp.path });
 * } finally {
 *   await temp.handle.close();
 *   await temp.remove();
 * }
 * ```
 */
export async function createTempFile(options: TempOptions = {}): Promise<TempFile> {
  const directory = options.directory ?? tmpdir();
  await sweepTempFolder(directory);
  const path = join(directory, tempName(options.suffix));
  const handle = await openFile(path, {
    flags: "wx+",
    mode: 0o600,
    action: "create the temporary file",
  });
  removeAtExit(path);
  return { path, handle, remove: () => removeTempFile(path) };
}

/** A private temporary folder for the files of one operation. */
export interface TempDir {
  readonly path: string;
  /** The path of `name` inside the folder. */
  file(name: string): string;
  /** Delete the folder and everything in it. */
  dispose(): Promise<void>;
}

/**
 * Create a new temporary folder (mode 0700), deleted with what it holds by `dispose`, or at
 * exit.
 *
 * @example
 * ```ts
 * const work = await createTempDir({ suffix: ".archive" });
 * try {
 *   await expand(source, work.file("expanded"));
 * } finally {
 *   await work.dispose();
 * }
 * ```
 */
export async function createTempDir(options: TempOptions = {}): Promise<TempDir> {
  const directory = options.directory ?? tmpdir();
  await sweepTempFolder(directory);
  const path = join(directory, tempName(options.suffix));
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (error) {
    throw mapFsError(error, { action: "create the temporary folder", path });
  }
  removeAtExit(path);
  return {
    path,
    file: (name) => join(path, name),
    async dispose() {
      try {
        await rm(path, { recursive: true, force: true });
      } catch (error) {
        throw mapFsError(error, { action: "remove the temporary folder", path });
      }
      forgetAtExit(path);
    },
  };
}

async function removeTempFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    // Anything but "already gone" leaves the path to the exit-time cleanup.
    if (errnoCode(error) !== "ENOENT") return;
  }
  forgetAtExit(path);
}
