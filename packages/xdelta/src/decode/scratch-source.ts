import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RandomAccessSource } from "@dg/core";
import { InvalidArgumentError } from "@dg/core";
import { createBufferSource } from "../vcdiff/buffer-source.js";

/** A source built from a stream: in memory while small, spilled to a temporary file after. */
export interface ScratchSource extends RandomAccessSource {
  /** Close and delete the temporary file, if any. */
  dispose(): Promise<void>;
}

/**
 * Collect `chunks` into a `RandomAccessSource`, holding at most `maxInMemory` bytes in memory;
 * beyond that the bytes go to a temporary file in `tempDir`, deleted by `dispose()`.
 */
export async function collectToScratchSource(
  chunks: AsyncIterable<Uint8Array>,
  maxInMemory: number,
  tempDir: string,
): Promise<ScratchSource> {
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let file: FileHandle | undefined;
  let path: string | undefined;
  let size = 0;
  try {
    for await (const chunk of chunks) {
      if (file === undefined && heldBytes + chunk.length <= maxInMemory) {
        held.push(chunk.slice());
        heldBytes += chunk.length;
      } else {
        if (file === undefined) {
          path = join(tempDir, `dg-xdelta-source-${randomBytes(8).toString("hex")}`);
          file = await open(path, "wx+", 0o600);
          let at = 0;
          for (const h of held) {
            await writeAll(file, h, at);
            at += h.length;
          }
          held.length = 0;
        }
        await writeAll(file, chunk, size);
      }
      size += chunk.length;
    }
  } catch (error) {
    await file?.close();
    if (path !== undefined) await rm(path, { force: true });
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
  return fileSource(file, path!, size);
}

async function writeAll(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

function fileSource(file: FileHandle, path: string, size: number): ScratchSource {
  let closed = false;
  const dispose = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      await file.close();
    }
    await rm(path, { force: true });
  };
  return {
    size,
    path,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (closed) throw new InvalidArgumentError("read after close");
      const n = Math.max(0, Math.min(length, size - position));
      const buffer = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await file.read(buffer, done, n - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    },
    close: dispose,
    dispose,
  };
}
