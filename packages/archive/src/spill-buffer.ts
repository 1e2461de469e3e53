import { rm } from "node:fs/promises";
import type { ByteStream } from "@dg/core";
import { streamFile } from "@dg/node";
import type { FileWriter } from "./temp-files.js";
import { createFileWriter } from "./temp-files.js";

/** Bytes kept to be read again: in memory up to a limit, then in a file. */
export interface SpillBuffer {
  readonly size: number;
  write(chunk: Uint8Array): Promise<void>;
  /** Everything written, in order (after the last write). */
  stream(): ByteStream;
  dispose(): Promise<void>;
}

/**
 * A {@link SpillBuffer} that holds up to `memoryLimit` bytes in memory and moves to `path`
 * beyond that (an inner delta is usually small; a large one must not stay in memory).
 *
 * @example
 * ```ts
 * const buffer = createSpillBuffer(work.file("inner"), 16 * 1024 * 1024);
 * for await (const chunk of delta) await buffer.write(chunk);
 * for await (const chunk of buffer.stream()) out.write(chunk);
 * ```
 */
export function createSpillBuffer(path: string, memoryLimit: number): SpillBuffer {
  let chunks: Uint8Array[] = [];
  let size = 0;
  let file: FileWriter | undefined;
  return {
    get size() {
      return size;
    },
    async write(chunk: Uint8Array): Promise<void> {
      size += chunk.length;
      if (file === undefined && size <= memoryLimit) {
        chunks.push(chunk.slice());
        return;
      }
      if (file === undefined) {
        file = await createFileWriter(path);
        for (const held of chunks) await file.append(held);
        chunks = [];
      }
      await file.append(chunk);
    },
    async *stream(): ByteStream {
      if (file === undefined) {
        yield* chunks;
        return;
      }
      await file.flush();
      yield* streamFile(path);
    },
    async dispose(): Promise<void> {
      chunks = [];
      if (file !== undefined) {
        await file.close();
        await rm(path, { force: true });
      }
    },
  };
}
