import type { OperationOptions } from "../ports/common.js";
import type { ScratchBlob, ScratchSpace, ScratchWriter } from "../ports/scratch.js";
import { concatBytes } from "../util/bytes.js";
import { createBufferSource } from "./buffer-source.js";

/**
 * A `ScratchSpace` in memory, for tests. Real use spools to disk (`createFsScratchSpace` in
 * `@dg/node`) so that no whole file is held in memory.
 *
 * @example
 * ```ts
 * const w = await createMemoryScratchSpace().create(); await w.write(bytes); const blob = await w.finish();
 * ```
 */
export function createMemoryScratchSpace(): ScratchSpace & { readonly live: number } {
  let live = 0;
  return {
    get live() {
      return live;
    },
    async create(): Promise<ScratchWriter> {
      const chunks: Uint8Array[] = [];
      let done = false;
      live += 1;
      return {
        async write(chunk: Uint8Array) {
          if (done) throw new Error("write after finish");
          chunks.push(chunk.slice());
        },
        async finish(): Promise<ScratchBlob> {
          done = true;
          const bytes = concatBytes(chunks);
          let disposed = false;
          return {
            size: bytes.length,
            async *open(_options?: OperationOptions) {
              if (bytes.length > 0) yield bytes;
            },
            async openRandomAccess() {
              return createBufferSource(bytes);
            },
            async dispose() {
              if (!disposed) live -= 1;
              disposed = true;
            },
          };
        },
        async dispose() {
          if (!done) live -= 1;
          done = true;
        },
      };
    },
  };
}
