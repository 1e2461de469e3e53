import { throwIfAborted } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";
import { createTempDir, openFile, writeFully } from "@dg/node";

/** A path `xdelta3` can open, and how to give it back. */
export interface SourceFile {
  readonly path: string;
  release(): Promise<void>;
}

const SPOOL_CHUNK = 1 << 20;

/**
 * The source as a file on disk: its own `path` when it has one, otherwise a temporary copy
 * written by position reads (deleted again by `release`). The copy is always named
 * `source.bin`, in a temporary folder of its own: `xdelta3` records the source's name in the
 * delta, and the same inputs must give the same bytes.
 *
 * @example
 * ```ts
 * const file = await sourceAsFile(source, { tempDir: os.tmpdir() });
 * try { run(["-s", file.path]); } finally { await file.release(); }
 * ```
 */
export async function sourceAsFile(
  source: RandomAccessSource,
  options: { readonly tempDir?: string; readonly signal?: AbortSignal } = {},
): Promise<SourceFile> {
  if (source.path !== undefined) return { path: source.path, release: async () => {} };
  const dir = await createTempDir({ directory: options.tempDir, suffix: ".xdelta3" });
  const path = dir.file("source.bin");
  try {
    const handle = await openFile(path, {
      flags: "wx",
      mode: 0o600,
      action: "create the temporary copy of the source",
    });
    try {
      let position = 0;
      while (position < source.size) {
        throwIfAborted(options.signal);
        const chunk = await source.read(position, Math.min(SPOOL_CHUNK, source.size - position));
        if (chunk.length === 0) break;
        await writeFully(handle, chunk, position, {
          action: "write the temporary copy of the source to",
          path,
        });
        position += chunk.length;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    await dir.dispose();
    throw error;
  }
  return { path, release: () => dir.dispose() };
}
