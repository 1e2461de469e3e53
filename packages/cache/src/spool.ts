import type { ByteStream, RandomAccessSource } from "@dg/core";
import { IntegrityError } from "@dg/core";
import { createTempFile } from "@dg/node";
import { processCacheKey } from "./cache-key.js";
import { DEFAULT_CHUNK_SIZE } from "./entry-format.js";
import { createEntrySource } from "./entry-source.js";
import { writeEncryptedEntry } from "./entry-writer.js";

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
  const temp = await createTempFile({ directory: options.directory, suffix: ".spool" });
  const { handle, path } = temp;
  // Unlinked while open where the OS allows; otherwise at close, or at exit.
  await temp.remove();
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
      onClose: temp.remove,
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    await temp.remove();
    throw error;
  }
}
