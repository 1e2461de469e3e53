import type { WasmLzmaStream } from "node-liblzma/wasm";
import { readVarint, VARINT_INCOMPLETE } from "../vcdiff/varint.js";
import { damaged, NATIVE_ENGINE_HINT, unsupported } from "./errors.js";
import type { SecondaryCompressor } from "./file-header.js";

/** Which section of a window. */
export type SectionKind = "data" | "instruction" | "address";

/**
 * Undoes xdelta3's secondary compression for one delta. xdelta3 keeps one compressor per
 * section kind for the whole file and flushes it at the end of each window, so the
 * compressed sections of one kind are consecutive pieces of a single xz stream (the first
 * piece starts with the xz headers; no piece ends the stream). Each piece is the varint of the
 * decompressed size followed by the compressed bytes.
 */
export interface SecondaryDecoder {
  decompress(kind: SectionKind, section: Uint8Array, maxSize: number): Promise<Uint8Array>;
  /** Free the decoders' memory. */
  dispose(): void;
}

/**
 * liblzma's memory limit for one section decoder. xdelta3 always writes a 256 KiB dictionary
 * (LZMA2 dictionary byte 12, at every -1..-9 level), so this only stops hostile headers from
 * growing the WebAssembly heap, which never shrinks.
 */
const XZ_MEMLIMIT = 16 * 1024 * 1024;
/** Size of the input and output buffers in WebAssembly memory, per section decoder. */
const IO_CHUNK = 1024 * 1024;

/**
 * A secondary decoder for the compressor named in the file header.
 *
 * @example
 * ```ts
 * const secondary = createSecondaryDecoder(header.secondaryCompressor);
 * try { data = await secondary.decompress("data", section, limit); } finally { secondary.dispose(); }
 * ```
 */
export function createSecondaryDecoder(
  compressor: SecondaryCompressor | undefined,
): SecondaryDecoder {
  const streams = new Map<SectionKind, XzPieceDecoder>();
  return {
    async decompress(kind, section, maxSize) {
      if (compressor === undefined) {
        throw damaged(
          `the ${kind} section is marked compressed but the header names no compressor`,
        );
      }
      if (compressor !== "lzma") {
        throw unsupported(
          `This delta uses xdelta3's ${compressor.toUpperCase()} secondary compression, which the built-in decoder does not support`,
          NATIVE_ENGINE_HINT,
        );
      }
      const out = { value: 0, offset: 0 };
      const size = readVarint(section, 0, section.length, out);
      if (size === VARINT_INCOMPLETE) throw damaged(`truncated ${kind} section`);
      if (size > maxSize) throw damaged(`the ${kind} section declares ${size} bytes`);
      let stream = streams.get(kind);
      if (stream === undefined) {
        stream = await createXzPieceDecoder();
        streams.set(kind, stream);
      }
      return stream.next(section.subarray(out.offset), size, kind);
    },
    dispose() {
      for (const stream of streams.values()) stream.dispose();
      streams.clear();
    },
  };
}

interface XzPieceDecoder {
  next(compressed: Uint8Array, size: number, kind: SectionKind): Uint8Array;
  dispose(): void;
}

type Liblzma = typeof import("node-liblzma/wasm");
let liblzmaReady: Promise<Liblzma> | undefined;

/**
 * liblzma compiled to WebAssembly, loaded on first use (about 30 ms): deltas without
 * secondary compression never pay for it. (The package's native build is not used: its
 * prebuilt binary needs a newer libstdc++ than Debian 12 has.)
 */
export function loadLiblzma(): Promise<Liblzma> {
  liblzmaReady ??= import("node-liblzma/wasm").then(async (lzma) => {
    await lzma.initModule();
    return lzma;
  });
  return liblzmaReady;
}

async function createXzPieceDecoder(): Promise<XzPieceDecoder> {
  const lzma = await loadLiblzma();
  const { code, decoderInit, end, LZMA_OK, LZMA_RUN, LZMA_STREAM_END } = lzma;
  const module = lzma.getModule();
  const stream: WasmLzmaStream = new lzma.WasmLzmaStream(module);
  let broken = false;
  let disposed = false;
  const inPtr = module._malloc(IO_CHUNK);
  const outPtr = module._malloc(IO_CHUNK);
  try {
    if (inPtr === 0 || outPtr === 0) throw damaged("no memory for the xz decoder");
    decoderInit(stream, XZ_MEMLIMIT);
  } catch (error) {
    stream.free();
    module._free(inPtr);
    module._free(outPtr);
    throw error;
  }
  return {
    next(compressed, size, kind) {
      if (broken) throw damaged(`the ${kind} sections cannot be decoded after an earlier error`);
      const fail = (message: string): never => {
        broken = true;
        throw damaged(`the ${kind} section ${message}`);
      };
      // The result grows as bytes come out, so a piece that only claims a large size costs
      // nothing; output beyond the claim fails at once.
      let result = new Uint8Array(Math.min(size, IO_CHUNK));
      let produced = 0;
      let consumed = 0;
      let pendingIn = 0;
      // Each lzma_code call makes progress or, the second time it cannot, returns
      // LZMA_BUF_ERROR; input is finite and output is capped, so this loop ends.
      for (;;) {
        if (pendingIn === 0 && consumed < compressed.length) {
          const n = Math.min(IO_CHUNK, compressed.length - consumed);
          module.HEAPU8.set(compressed.subarray(consumed, consumed + n), inPtr);
          stream.setInput(inPtr, n);
          consumed += n;
        }
        stream.setOutput(outPtr, IO_CHUNK);
        const status = code(stream, LZMA_RUN);
        pendingIn = stream.availIn;
        const got = IO_CHUNK - stream.availOut;
        if (got > 0) {
          if (got > size - produced) fail(`inflates to more than its declared ${size} bytes`);
          if (produced + got > result.length) {
            const grown = new Uint8Array(
              Math.min(size, Math.max(result.length * 2, produced + got)),
            );
            grown.set(result.subarray(0, produced));
            result = grown;
          }
          result.set(module.HEAPU8.subarray(outPtr, outPtr + got), produced);
          produced += got;
        }
        if (status === LZMA_STREAM_END) break;
        if (status !== LZMA_OK) {
          // xdelta3 never ends its xz streams: running out of input once all the declared
          // bytes are out is the normal end of a piece.
          if (pendingIn === 0 && consumed === compressed.length && produced === size) break;
          fail(`is not valid xz data (liblzma status ${status})`);
        }
      }
      if (produced !== size) fail(`inflates to ${produced} bytes, not ${size}`);
      if (pendingIn !== 0 || consumed !== compressed.length) fail("has bytes after its data");
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      end(stream);
      stream.free();
      module._free(inPtr);
      module._free(outPtr);
    },
  };
}
