import { mkdir, open } from "node:fs/promises";
import { PermissionDeniedError } from "@dg/core";
import type { FileHandle } from "node:fs/promises";
import { errnoCode, mapFsError } from "./fs-errors.js";
import type { FsErrorContext } from "./fs-errors.js";

/** Options of {@link openFile}. */
export interface OpenFileOptions {
  /** As `fs.open`'s: `"r"` (the default), `"wx"`, `"w+"`, … */
  readonly flags?: string;
  /** The mode of a file it creates. Default 0o666 (less the umask). */
  readonly mode?: number;
  /** For the error message: what opening it is for. Default `"open"`. */
  readonly action?: string;
}

/**
 * `fs.open` whose failure is a `DgError` (see `mapFsError`).
 *
 * @example
 * ```ts
 * const handle = await openFile(path, { flags: "wx", mode: 0o600, action: "create" });
 * ```
 */
export async function openFile(path: string, options: OpenFileOptions = {}): Promise<FileHandle> {
  try {
    return await open(path, options.flags ?? "r", options.mode);
  } catch (error) {
    throw mapFsError(error, { action: options.action ?? "open", path });
  }
}

/** Options of {@link makeFolder}. */
export interface MakeFolderOptions {
  /** The mode of the folders it creates. Default 0o777 (less the umask). */
  readonly mode?: number;
  /** For the error message: what the folder is. Default `"create the folder"`. */
  readonly action?: string;
  /** Replaces the default hint of an error. */
  readonly hint?: string;
}

/**
 * `fs.mkdir(path, { recursive: true })` whose failure is a `DgError`. Node's recursive mkdir
 * reports a parent it may not write (read-only, or not the user's) as `ENOENT`, "No such
 * file": that case is called what it is, permission denied.
 *
 * @example
 * ```ts
 * await makeFolder(cacheFolder, { mode: 0o700, action: "create the cache folder" });
 * ```
 */
export async function makeFolder(path: string, options: MakeFolderOptions = {}): Promise<void> {
  const action = options.action ?? "create the folder";
  try {
    await mkdir(path, {
      recursive: true,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
  } catch (error) {
    // The recursive mkdir creates missing parents itself, so ENOENT is a parent it could not
    // create: Node stats the path after the real error (EACCES, EROFS) and reports the stat's.
    if (errnoCode(error) === "ENOENT") {
      throw new PermissionDeniedError(
        `Could not ${action} ${path}: Permission denied (a folder above it cannot be written; read-only file system?)`,
        {
          cause: error,
          hint: options.hint ?? "Choose a folder on a file system you can write to.",
        },
      );
    }
    throw mapFsError(error, {
      action,
      path,
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
  }
}

/**
 * Read up to `length` bytes at `position` of the file into `into` at `offset`, looping over
 * short reads; resolves to the count read, fewer only at the end of the file. A failure is
 * mapped with `mapFsError` and `context`.
 *
 * @example
 * ```ts
 * const header = Buffer.alloc(64);
 * const got = await readFully(handle, header, 0, 64, 0, { action: "read the header of", path });
 * ```
 */
export async function readFully(
  handle: FileHandle,
  into: Uint8Array,
  offset: number,
  length: number,
  position: number,
  context: FsErrorContext,
): Promise<number> {
  let filled = 0;
  try {
    while (filled < length) {
      const { bytesRead } = await handle.read(
        into,
        offset + filled,
        length - filled,
        position + filled,
      );
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    throw mapFsError(error, context);
  }
  return filled;
}

/**
 * Write all of `bytes` at `position` of the file, looping over short writes. A failure is
 * mapped with `mapFsError` and `context`.
 *
 * @example
 * ```ts
 * await writeFully(handle, chunk, size, { action: "write the temporary file", path });
 * ```
 */
export async function writeFully(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number,
  context: FsErrorContext,
): Promise<void> {
  let written = 0;
  try {
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(
        bytes,
        written,
        bytes.length - written,
        position + written,
      );
      written += bytesWritten;
    }
  } catch (error) {
    throw mapFsError(error, context);
  }
}
