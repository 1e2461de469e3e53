import { promisify } from "node:util";
import { brotliCompress, brotliDecompress, constants } from "node:zlib";
import type { WasmLzmaStream } from "node-liblzma/wasm";
import { loadLiblzma } from "../decode/secondary.js";
import { damaged, METHOD_BROTLI, METHOD_STORED, METHOD_XZ } from "./format.js";

const compressBrotli = promisify(brotliCompress);
const decompressBrotli = promisify(brotliDecompress);

export interface StoredStream {
  readonly method: number;
  readonly bytes: Uint8Array;
}

/** How to compress one stream: brotli at a quality, or xz at a preset. */
export type StreamCompression =
  | { readonly method: "brotli"; readonly quality: number }
  | { readonly method: "xz"; readonly preset: number };

/** xz's preset 6 has an 8 MiB dictionary: its decoder needs about 9 MiB. */
const XZ_MEMLIMIT = 32 << 20;
const IO_CHUNK = 1 << 20;

/**
 * Compress one stream of a window; kept stored when that does not make it smaller (so a
 * stored size is never above the raw size, which the decoder checks).
 */
export async function compressStream(
  raw: Uint8Array,
  how: StreamCompression,
): Promise<StoredStream> {
  if (raw.length < 64) return { method: METHOD_STORED, bytes: raw };
  let packed: Uint8Array;
  let method: number;
  if (how.method === "xz") {
    const lzma = await loadLiblzma();
    packed = lzma.easyBufferEncode(raw, how.preset, lzma.LZMA_CHECK_NONE);
    method = METHOD_XZ;
  } else {
    let lgwin = 16;
    while (lgwin < 24 && 2 ** lgwin - 16 < raw.length) lgwin++;
    const out = await compressBrotli(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: how.quality,
        [constants.BROTLI_PARAM_LGWIN]: lgwin,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    packed = new Uint8Array(out.buffer, out.byteOffset, out.length);
    method = METHOD_BROTLI;
  }
  if (packed.length >= raw.length) return { method: METHOD_STORED, bytes: raw };
  return { method, bytes: packed };
}

/** Undo `compressStream`: exactly `rawLength` bytes, or a damaged-delta error. */
export async function decompressStream(
  method: number,
  stored: Uint8Array,
  rawLength: number,
  what: string,
): Promise<Uint8Array> {
  if (method === METHOD_STORED) {
    if (stored.length !== rawLength) throw damaged(`the ${what} stream has the wrong length`);
    return stored;
  }
  if (method === METHOD_BROTLI) {
    let raw: Buffer;
    try {
      raw = await decompressBrotli(stored, { maxOutputLength: Math.max(1, rawLength) });
    } catch (error) {
      throw damaged(`the ${what} stream does not decompress`, error);
    }
    if (raw.length !== rawLength) throw damaged(`the ${what} stream has the wrong length`);
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  }
  if (method === METHOD_XZ) return decompressXz(stored, rawLength, what);
  throw damaged(`unknown compression method ${method} for the ${what} stream`);
}

/** One whole .xz stream to exactly `size` bytes, never more (liblzma in WebAssembly). */
async function decompressXz(compressed: Uint8Array, size: number, what: string) {
  const lzma = await loadLiblzma();
  const { code, decoderInit, end, LZMA_OK, LZMA_RUN, LZMA_FINISH, LZMA_STREAM_END } = lzma;
  const module = lzma.getModule();
  const stream: WasmLzmaStream = new lzma.WasmLzmaStream(module);
  const inPtr = module._malloc(IO_CHUNK);
  const outPtr = module._malloc(IO_CHUNK);
  try {
    if (inPtr === 0 || outPtr === 0) throw damaged("no memory for the xz decoder");
    decoderInit(stream, XZ_MEMLIMIT);
    const result = new Uint8Array(size);
    let produced = 0;
    let consumed = 0;
    let pendingIn = 0;
    for (;;) {
      if (pendingIn === 0 && consumed < compressed.length) {
        const n = Math.min(IO_CHUNK, compressed.length - consumed);
        module.HEAPU8.set(compressed.subarray(consumed, consumed + n), inPtr);
        stream.setInput(inPtr, n);
        consumed += n;
      }
      stream.setOutput(outPtr, IO_CHUNK);
      const status = code(stream, consumed === compressed.length ? LZMA_FINISH : LZMA_RUN);
      pendingIn = stream.availIn;
      const got = IO_CHUNK - stream.availOut;
      if (got > size - produced) throw damaged(`the ${what} stream inflates to too many bytes`);
      result.set(module.HEAPU8.subarray(outPtr, outPtr + got), produced);
      produced += got;
      if (status === LZMA_STREAM_END) break;
      if (status !== LZMA_OK) {
        throw damaged(`the ${what} stream is not valid xz data (liblzma status ${status})`);
      }
    }
    if (produced !== size || pendingIn !== 0 || consumed !== compressed.length) {
      throw damaged(`the ${what} stream has the wrong length`);
    }
    return result;
  } finally {
    end(stream);
    stream.free();
    if (inPtr !== 0) module._free(inPtr);
    if (outPtr !== 0) module._free(outPtr);
  }
}
