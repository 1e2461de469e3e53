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
const XZ_MAX_DICT = 8 << 20;
const LZMA_FILTER_LZMA2 = 0x21;
const LZMA_MODE_NORMAL = 2;
const LZMA_MF_BT4 = 0x14;
/** Bytes of liblzma's `lzma_options_lzma` in 32-bit WebAssembly (80), rounded up. */
const LZMA_OPTIONS_BYTES = 128;
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
    packed = xzEncode(await loadLiblzma(), raw, how.preset);
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

type Liblzma = Awaited<ReturnType<typeof loadLiblzma>>;

/**
 * One .xz stream (LZMA2, no integrity check) with the settings of xz's presets 4 to 6 (lc 3,
 * lp 0, pb 2, normal mode, BT4 match finder, nice length 16/32/64), but a dictionary no larger
 * than the stream (at most preset 6's 8 MiB): the same compression for a stream smaller than
 * the preset's dictionary, without the time liblzma takes to set up a match finder for 8 MiB
 * on every call (measured: 15-20 ms a call, 60-80 ms the first).
 */
function xzEncode(lzma: Liblzma, raw: Uint8Array, preset: number): Uint8Array {
  const module = lzma.getModule();
  let dictSize = 4096;
  while (dictSize < raw.length && dictSize < XZ_MAX_DICT) dictSize *= 2;
  const outSize = raw.length + 1024;
  const options = module._malloc(LZMA_OPTIONS_BYTES);
  const filters = module._malloc(32);
  const outPos = module._malloc(8);
  const input = module._malloc(raw.length);
  const output = module._malloc(outSize);
  try {
    if (options === 0 || filters === 0 || outPos === 0 || input === 0 || output === 0) {
      throw new Error("no memory for the xz encoder");
    }
    // Views after the allocations: the WebAssembly memory may have grown.
    const heap = module.HEAPU8;
    const view = new DataView(heap.buffer, heap.byteOffset, heap.byteLength);
    heap.fill(0, options, options + LZMA_OPTIONS_BYTES);
    view.setUint32(options, dictSize, true);
    view.setUint32(options + 12, 3, true); // lc
    view.setUint32(options + 16, 0, true); // lp
    view.setUint32(options + 20, 2, true); // pb
    view.setUint32(options + 24, LZMA_MODE_NORMAL, true);
    view.setUint32(options + 28, preset <= 4 ? 16 : preset === 5 ? 32 : 64, true); // nice_len
    view.setUint32(options + 32, LZMA_MF_BT4, true);
    view.setUint32(options + 36, 0, true); // depth: the encoder's default
    // Two lzma_filter records { uint64 id; void *options } of 16 bytes: LZMA2, then the end.
    heap.fill(0, filters, filters + 32);
    view.setUint32(filters, LZMA_FILTER_LZMA2, true);
    view.setUint32(filters + 8, options, true);
    view.setUint32(filters + 16, 0xffffffff, true);
    view.setUint32(filters + 20, 0xffffffff, true);
    view.setUint32(outPos, 0, true);
    heap.set(raw, input);
    const status = module._lzma_stream_buffer_encode(
      filters,
      lzma.LZMA_CHECK_NONE,
      0,
      input,
      raw.length,
      output,
      outPos,
      outSize,
    );
    if (status !== lzma.LZMA_OK) throw new Error(`liblzma status ${status}`);
    const after = module.HEAPU8;
    const length = new DataView(after.buffer, after.byteOffset).getUint32(outPos, true);
    return after.slice(output, output + length);
  } finally {
    for (const ptr of [options, filters, outPos, input, output]) if (ptr !== 0) module._free(ptr);
  }
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
