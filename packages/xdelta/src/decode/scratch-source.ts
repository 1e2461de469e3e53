import type { RandomAccessSource } from "@dg/core";
import { createTempFile, fileHandleSource, writeFully } from "@dg/node";
import type { TempFile } from "@dg/node";
import { createBufferSource } from "../vcdiff/buffer-source.js";

/** A source built from a stream: in memory while small, spilled to a temporary file after. */
export interface ScratchSource extends RandomAccessSource {
  /** Close and delete the temporary file, if any. */
  dispose(): Promise<void>;
}

/**
 * Collect `chunks` into a `RandomAccessSource`, holding at most `maxInMemory` bytes in memory;
 * beyond that the bytes go to a temporary file in `tempDir` (default the OS temp folder),
 * deleted by `dispose()`.
 */
export async function collectToScratchSource(
  chunks: AsyncIterable<Uint8Array>,
  maxInMemory: number,
  tempDir: string | undefined,
): Promise<ScratchSource> {
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let file: TempFile | undefined;
  let size = 0;
  try {
    for await (const chunk of chunks) {
      if (file === undefined && heldBytes + chunk.length <= maxInMemory) {
        held.push(chunk.slice());
        heldBytes += chunk.length;
      } else {
        if (file === undefined) {
          file = await createTempFile({ directory: tempDir, suffix: ".source" });
          let at = 0;
          for (const h of held) {
            await writeAt(file, h, at);
            at += h.length;
          }
          held.length = 0;
        }
        await writeAt(file, chunk, size);
      }
      size += chunk.length;
    }
  } catch (error) {
    await file?.handle.close();
    await file?.remove();
    throw error;
  }
  if (file === undefined) {
    const bytes = new Uint8Array(heldBytes);
    let at = 0;
    for (const h of held) {
      bytes.set(h, at);
      at += h.length;
    }
    const inner = createBufferSource(bytes);
    return { size: inner.size, read: inner.read, close: inner.close, dispose: inner.close };
  }
  const source = fileHandleSource(file.handle, { size, path: file.path, onClose: file.remove });
  return { ...source, dispose: () => source.close() };
}

function writeAt(file: TempFile, bytes: Uint8Array, position: number): Promise<void> {
  return writeFully(file.handle, bytes, position, {
    action: "write the decompressed source to",
    path: file.path,
  });
}
