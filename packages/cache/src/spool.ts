import { randomBytes } from "node:crypto";
import { open, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ByteStream, RandomAccessSource } from "@dg/core";
import { IntegrityError } from "@dg/core";
import { processCacheKey } from "./cache-key.js";
import { DEFAULT_CHUNK_SIZE } from "./entry-format.js";
import { createEntrySource } from "./entry-source.js";
import { writeEncryptedEntry } from "./entry-writer.js";
import { forgetAtExit, removeAtExit } from "./exit-cleanup.js";
import { mapFsError } from "./fs-errors.js";

export interface SpoolOptions {
  /** Default `os.tmpdir()`. */
  readonly directory?: string;
  readonly signal?: AbortSignal;
}

/**
 * Writes `body` to an anonymous temp file, encrypted under this process's random key, checks
 * its SHA-256, and returns a source over it. The file is unlinked as soon as it is open
 * (where the OS allows; otherwise when the source is closed, or at exit), so nothing is left
 * behind and no other process can read it.
 */
export async function spoolEncrypted(
  sha256: string,
  body: ByteStream,
  options: SpoolOptions = {},
): Promise<RandomAccessSource> {
  const directory = options.directory ?? tmpdir();
  const path = join(
    directory,
    `deltaglider-${process.pid}-${randomBytes(8).toString("hex")}.spool`,
  );
  let handle: FileHandle;
  try {
    handle = await open(path, "wx+", 0o600);
  } catch (error) {
    throw mapFsError(error, { action: "create a temporary file", path });
  }
  removeAtExit(path);
  let linked = true;
  const removeFile = async (): Promise<void> => {
    if (!linked) return;
    try {
      await unlink(path);
      linked = false;
      forgetAtExit(path);
    } catch {
      // Some systems refuse to unlink an open file; it goes at close or exit instead.
    }
  };
  await removeFile();
  try {
    const written = await writeEncryptedEntry(handle, body, {
      key: processCacheKey(),
      sha256,
      chunkSize: DEFAULT_CHUNK_SIZE,
      path,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (written.actualSha256 !== sha256) {
      throw new IntegrityError(
        `Reference SHA-256 mismatch: expected ${sha256}, got ${written.actualSha256}`,
        { hint: "The download was damaged or the reference changed; nothing was cached." },
      );
    }
    return createEntrySource({
      handle,
      header: written.header,
      fileKeys: written.fileKeys,
      path,
      onClose: removeFile,
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeFile();
    throw error;
  }
}
