import type { WasmLzmaStream } from "node-liblzma/wasm";
import { loadLiblzma } from "../decode/secondary.js";
import { varintLength, writeVarint } from "../vcdiff/varint.js";

/** Which section of a window. */
export type SectionKind = "data" | "instruction" | "address";

/** The secondary compression the encoder writes: xdelta3's LZMA, or none. */
export type SecondaryCompression = "lzma" | "none";

/**
 * Compresses the sections of a delta's windows as xdelta3 does with `-S lzma`: one xz stream per
 * section kind for the whole delta, flushed (LZMA_SYNC_FLUSH) at the end of each compressed
 * section and never ended, each piece written as the varint of its decompressed size and the
 * compressed bytes. A section it declines (too short, sampled as incompressible, of a kind that
 * rests after a poor piece, or past the kind's budget) is stored as is and never enters the
 * stream, so the decoder's stream stays in step (it only sees the pieces marked compressed).
 */
export interface SecondaryEncoder {
  /** The section's bytes compressed, or undefined when storing it as is is the better choice. */
  compress(kind: SectionKind, section: Uint8Array): Uint8Array | undefined;
  /** Free the compressors' WebAssembly memory. */
  dispose(): void;
}

/** Sections shorter than this are stored as is: the piece's framing would eat the gain. */
const MIN_SECTION = 64;
/** A piece must save this share of its section, else the kind rests for a while. */
const MIN_SAVING = 1 / 32;
/** Windows a kind rests after a piece that saved too little, before it is tried again. */
const REST_WINDOWS = 4;
/**
 * xz presets per kind, chosen by measurement on real release pairs (`pnpm bench xdelta`):
 * higher presets shrink the deltas by under 1% there, and take 3 to 10 times the memory
 * (liblzma's encoder needs about 17 MiB at preset 2, 9 MiB at 1, 94 MiB at 6).
 */
const PRESET: Record<SectionKind, number> = { data: 2, instruction: 1, address: 1 };
/**
 * Bytes of sections one kind feeds its stream at most; later sections go in as they are. At
 * preset 2 liblzma in WebAssembly compresses text at about 7 MB/s, so a delta of mostly new
 * content (which the caller will likely store whole anyway) costs a few seconds at most.
 */
const BUDGET = 16 << 20;
/**
 * Encoders (each up to three streams, about 35 MiB of WebAssembly memory, which never shrinks)
 * that may compress at once in this process. An encoder that finds none free writes its
 * window's sections as they are and asks again at the next window.
 */
const MAX_ACTIVE_ENCODERS = 4;
let activeEncoders = 0;
/**
 * Sections longer than this are sampled first: random or already compressed bytes (new parts
 * of a release archive, mostly) would cost liblzma's full effort for nothing.
 */
const SAMPLE_ABOVE = 256 << 10;
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE = 32 << 10;
/** A sample that does not shrink below this share of its size marks the section incompressible. */
const SAMPLE_MAX_RATIO = 0.97;
/** Size of the input and output buffers in WebAssembly memory, per encoder. */
const IO_CHUNK = 1 << 20;

interface KindState {
  readonly stream: WasmLzmaStream;
  rest: number;
  fed: number;
}

/** Options of `createSecondaryEncoder` (tests). */
export interface SecondaryEncoderOptions {
  /** Bytes each kind may feed its stream (default 16 MiB). */
  readonly budget?: number;
}

/**
 * Create the LZMA section compressor (liblzma in WebAssembly, loaded on first use). It takes
 * WebAssembly memory only when it first compresses, and never fails an encode for want of it:
 * without memory (or a free slot among `MAX_ACTIVE_ENCODERS`), sections are stored as they are.
 *
 * @example
 * ```ts
 * const secondary = await createSecondaryEncoder();
 * try { piece = secondary.compress("data", dataSection); } finally { secondary.dispose(); }
 * ```
 */
export async function createSecondaryEncoder(
  options: SecondaryEncoderOptions = {},
): Promise<SecondaryEncoder> {
  const lzma = await loadLiblzma();
  const { code, easyBufferEncode, encoderInit, end } = lzma;
  const { LZMA_CHECK_NONE, LZMA_OK, LZMA_RUN, LZMA_STREAM_END, LZMA_SYNC_FLUSH } = lzma;
  const module = lzma.getModule();
  const budget = options.budget ?? BUDGET;
  const kinds = new Map<SectionKind, KindState>();
  /** Kinds whose stream failed: none of their sections is compressed again. */
  const dead = new Set<SectionKind>();
  let inPtr = 0;
  let outPtr = 0;
  let holdsSlot = false;
  let disposed = false;

  /** A slot and the I/O buffers; false when either is not to be had now. */
  const ready = (): boolean => {
    if (!holdsSlot) {
      if (activeEncoders >= MAX_ACTIVE_ENCODERS) return false;
      activeEncoders++;
      holdsSlot = true;
    }
    if (inPtr === 0) inPtr = module._malloc(IO_CHUNK);
    if (outPtr === 0) outPtr = module._malloc(IO_CHUNK);
    return inPtr !== 0 && outPtr !== 0;
  };
  const stateOf = (kind: SectionKind): KindState | undefined => {
    let state = kinds.get(kind);
    if (state === undefined) {
      const stream = new lzma.WasmLzmaStream(module);
      try {
        encoderInit(stream, PRESET[kind], LZMA_CHECK_NONE);
      } catch {
        // Out of WebAssembly memory: this window's section goes in as it is.
        stream.free();
        return undefined;
      }
      state = { stream, rest: 0, fed: 0 };
      kinds.set(kind, state);
    }
    return state;
  };
  const incompressible = (section: Uint8Array): boolean => {
    if (section.length <= SAMPLE_ABOVE) return false;
    // A cheap look first (the fastest preset, on slices spread over the section).
    const sample = new Uint8Array(SAMPLE_SLICES * SAMPLE_SLICE);
    const step = Math.floor((section.length - SAMPLE_SLICE) / (SAMPLE_SLICES - 1));
    for (let i = 0; i < SAMPLE_SLICES; i++) {
      sample.set(section.subarray(i * step, i * step + SAMPLE_SLICE), i * SAMPLE_SLICE);
    }
    try {
      return easyBufferEncode(sample, 0, LZMA_CHECK_NONE).length > sample.length * SAMPLE_MAX_RATIO;
    } catch {
      return true;
    }
  };
  /** The compressed bytes of `section` from the kind's stream, or undefined if it broke. */
  const feed = (state: KindState, section: Uint8Array): Uint8Array[] | undefined => {
    const { stream } = state;
    state.fed += section.length;
    const pieces: Uint8Array[] = [];
    let consumed = 0;
    // Feed the section, then flush: each lzma_code call either takes input or fills the output
    // buffer, and SYNC_FLUSH returns STREAM_END once everything is out.
    for (;;) {
      if (stream.availIn === 0 && consumed < section.length) {
        const n = Math.min(IO_CHUNK, section.length - consumed);
        module.HEAPU8.set(section.subarray(consumed, consumed + n), inPtr);
        stream.setInput(inPtr, n);
        consumed += n;
      }
      const last = consumed === section.length;
      stream.setOutput(outPtr, IO_CHUNK);
      const status = code(stream, last ? LZMA_SYNC_FLUSH : LZMA_RUN);
      const got = IO_CHUNK - stream.availOut;
      if (got > 0) pieces.push(module.HEAPU8.slice(outPtr, outPtr + got));
      if (last && status === LZMA_STREAM_END) return pieces;
      if (status !== LZMA_OK && status !== LZMA_STREAM_END) return undefined;
    }
  };

  return {
    compress(kind, section) {
      if (disposed) throw new RangeError("the secondary encoder was disposed");
      if (section.length < MIN_SECTION || dead.has(kind)) return undefined;
      const resting = kinds.get(kind);
      if (resting !== undefined && resting.rest > 0) {
        resting.rest--;
        return undefined;
      }
      if ((resting?.fed ?? 0) + section.length > budget || incompressible(section)) {
        return undefined;
      }
      if (!ready()) return undefined;
      const state = stateOf(kind);
      if (state === undefined) return undefined;
      const pieces = feed(state, section);
      if (pieces === undefined) {
        // The stream took part of the section and failed (out of memory, mostly): the decoder
        // never sees that piece, so the kind must never write another one.
        dead.add(kind);
        return undefined;
      }
      const compressed = pieces.reduce((sum, piece) => sum + piece.length, 0);
      const size = varintLength(section.length) + compressed;
      // Once in the stream, the piece must be written (the decoder's stream needs it); a poor
      // saving only makes the kind rest before the next try.
      if (size > section.length * (1 - MIN_SAVING)) state.rest = REST_WINDOWS;
      const out = new Uint8Array(size);
      let at = writeVarint(section.length, out, 0);
      for (const piece of pieces) {
        out.set(piece, at);
        at += piece.length;
      }
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const { stream } of kinds.values()) {
        end(stream);
        stream.free();
      }
      kinds.clear();
      if (inPtr !== 0) module._free(inPtr);
      if (outPtr !== 0) module._free(outPtr);
      if (holdsSlot) activeEncoders--;
      holdsSlot = false;
    },
  };
}
