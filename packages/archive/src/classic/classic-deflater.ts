import { createBlockWriter } from "./block-writer.js";
import { createGzipLz77 } from "./gzip-lz77.js";
import { createInputQueue } from "./input-queue.js";
import { spareArrays } from "./spare-arrays.js";
import { LEVEL_CONFIG } from "./tables.js";
import { createWindow } from "./window.js";
import { createZlibLz77 } from "./zlib-lz77.js";

/**
 * Which deflate implementation to reproduce: `zlib` is the reference zlib (1.2.x: Python,
 * Java's java.util.zip, most C programs); `gzip` is GNU gzip's own deflate.
 */
export type ClassicFlavor = "zlib" | "gzip";

export interface ClassicDeflateOptions {
  readonly flavor: ClassicFlavor;
  /** 1..9 */
  readonly level: number;
  /** zlib only: 1..9 (gzip uses the equivalent of 8 for hashing and 9 for blocks). */
  readonly memLevel?: number;
  /** zlib only: 9..15. */
  readonly windowBits?: number;
  /** zlib only: 0 default, 1 filtered, 2 Huffman only, 3 RLE, 4 fixed. */
  readonly strategy?: number;
  /**
   * Continue a stream instead of starting one: the bytes before the input (up to a window's
   * worth) and the stream offset where the input starts. The output then starts with a new
   * block, as the stream's own output did at that offset when it is a clean block boundary.
   */
  readonly history?: { readonly bytes: Uint8Array; readonly position: number };
}

/** A raw deflate compressor fed in pieces; output comes back as it is produced. */
export interface ClassicDeflater {
  write(chunk: Uint8Array): Uint8Array | undefined;
  finish(): Uint8Array | undefined;
  /**
   * Give the deflater's arrays to later deflaters of this thread (optional: an undisposed
   * deflater is simply collected); it is not used afterwards.
   */
  dispose(): void;
}

/**
 * A raw deflate compressor in TypeScript that produces byte for byte what reference zlib or
 * GNU gzip produce for the same input and settings, whatever the input's chunking.
 *
 * @example
 * ```ts
 * const deflater = createClassicDeflater({ flavor: "zlib", level: 6 });
 * const parts = [deflater.write(data), deflater.finish()];
 * ```
 */
export function createClassicDeflater(options: ClassicDeflateOptions): ClassicDeflater {
  const level = options.level;
  const config = LEVEL_CONFIG[level];
  if (config === undefined || level < 1) throw new RangeError(`bad level ${level}`);
  const gzip = options.flavor === "gzip";
  const memLevel = gzip ? 8 : (options.memLevel ?? 8);
  const windowBits = gzip ? 15 : Math.max(9, options.windowBits ?? 15);
  const strategy = gzip ? 0 : (options.strategy ?? 0);
  const window = createWindow({
    windowBits,
    hashBits: memLevel + 7,
    goodMatch: config.goodLength,
    maxLazy: config.maxLazy,
    niceMatch: config.niceLength,
    maxChain: config.maxChain,
  });
  const blocks = createBlockWriter({
    symbolBuffer: gzip ? 0x8000 : 1 << (memLevel + 6),
    fixedOnly: strategy === 4,
    split: gzip ? "gzip" : "zlib",
    blockInputLength: () => window.strStart - window.blockStart,
    level,
  });
  const input = createInputQueue();
  const lz77 = gzip
    ? createGzipLz77(window, input, blocks, config.lazy)
    : createZlibLz77(window, input, blocks, { level, strategy, lazy: config.lazy });
  if (options.history !== undefined && options.history.bytes.length > 0) {
    lz77.prime(options.history.bytes, options.history.position);
  }
  return {
    write(chunk: Uint8Array): Uint8Array | undefined {
      input.push(chunk);
      lz77.run(false);
      return blocks.take();
    },
    finish(): Uint8Array | undefined {
      lz77.run(true);
      return blocks.take();
    },
    dispose(): void {
      blocks.dispose();
      spareArrays([window.window, window.head, window.prev]);
    },
  };
}
