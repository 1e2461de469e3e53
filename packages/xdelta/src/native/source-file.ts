import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { throwIfAborted } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";

/** A path `xdelta3` can open, and how to give it back. */
export interface SourceFile {
  readonly path: string;
  release(): Promise<void>;
}

const SPOOL_CHUNK = 1 << 20;

/**
 * The source as a file on disk: its own `path` when it has one, otherwise a temporary copy
 * written by position reads (deleted again by `release`).
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
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), "dg-xdelta-src-"));
  const release = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const path = join(dir, "source.bin");
  try {
    const handle = await open(path, "wx", 0o600);
    try {
      let position = 0;
      while (position < source.size) {
        throwIfAborted(options.signal);
        const chunk = await source.read(position, Math.min(SPOOL_CHUNK, source.size - position));
        if (chunk.length === 0) break;
        await handle.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { path, release };
}
