import { InvalidArgumentError, peekStream, targetStream } from "@dg/core";
import type {
  ByteStream,
  DeltaCodec,
  DeltaDecodeOptions,
  DeltaEncodeOptions,
  DeltaTarget,
  RandomAccessSource,
} from "@dg/core";
import type { DecodeVcdiffOptions } from "./decode/index.js";
import { decodeVcdiff } from "./decode/lazy.js";
import type { EncodeVcdiffOptions } from "./encode/index.js";
import { encodeVcdiff } from "./encode/lazy.js";
import type { EncodeDgdOptions } from "./dgd/encode.js";
import { DGD_DELTA_FORMAT, DGD_MAGIC, isDgdDelta } from "./dgd/format.js";
import { decodeDgd, encodeDgd } from "./dgd/lazy.js";
import type { NativeXdeltaCodecOptions } from "./native/xdelta3-codec.js";
import { createNativeXdeltaCodec } from "./native/xdelta3-codec.js";

/** The delta engines: the TypeScript codec, or the `xdelta3` binary. */
export type DeltaEngine = "builtin" | "xdelta3";

export const DELTA_ENGINES: readonly DeltaEngine[] = ["builtin", "xdelta3"];

/** Options of the built-in codec: tuning of its encoder and limits of its decoder. */
export interface BuiltinCodecOptions {
  readonly encoder?: Omit<EncodeVcdiffOptions, "signal" | "targetSize">;
  readonly decoder?: Omit<DecodeVcdiffOptions, "signal">;
}

export interface XdeltaCodecOptions {
  /** Default `builtin`. (The SDK resolves `DG_DELTA_ENGINE` into this option.) */
  readonly engine?: DeltaEngine;
  readonly builtin?: BuiltinCodecOptions;
  readonly native?: NativeXdeltaCodecOptions;
}

/**
 * The built-in VCDIFF codec, in TypeScript: `encodeVcdiff` and `decodeVcdiff` behind the
 * `DeltaCodec` port. Its deltas decode with `xdelta3 -d`, and it decodes xdelta3's deltas.
 *
 * @example
 * ```ts
 * const codec = createBuiltinCodec();
 * const delta = codec.encode(await openFileSource("v1.zip"), createReadStream("v2.zip"));
 * ```
 */
export function createBuiltinCodec(options: BuiltinCodecOptions = {}): DeltaCodec {
  return {
    name: "builtin",
    encode(source: RandomAccessSource, target: DeltaTarget, opts?: DeltaEncodeOptions) {
      return encodeVcdiff(source, targetStream(target, opts), {
        ...options.encoder,
        ...(opts?.signal === undefined ? {} : { signal: opts.signal }),
        ...(opts?.targetSize === undefined ? {} : { targetSize: opts.targetSize }),
      });
    },
    decode(source: RandomAccessSource, delta: ByteStream, opts?: DeltaDecodeOptions) {
      const onNotByteIdentical = opts?.onNotByteIdentical;
      const onWarning = options.decoder?.onWarning;
      return decodeVcdiff(source, delta, {
        ...options.decoder,
        ...(opts?.signal === undefined ? {} : { signal: opts.signal }),
        ...(opts?.recoverExternalCompression === undefined
          ? {}
          : { recoverExternalCompression: opts.recoverExternalCompression }),
        ...(onNotByteIdentical === undefined
          ? {}
          : {
              onWarning: (warning) => {
                onWarning?.(warning);
                if (warning.code === "external-recompression") onNotByteIdentical(warning.message);
              },
            }),
      });
    },
  };
}

/**
 * Parse an engine name (`builtin` or `xdelta3`), e.g. from `DG_DELTA_ENGINE` or `--engine`.
 *
 * @example
 * ```ts
 * parseDeltaEngine("xdelta3"); // "xdelta3"
 * ```
 */
export function parseDeltaEngine(value: string): DeltaEngine {
  const name = value.trim().toLowerCase();
  if (name === "builtin" || name === "xdelta3") return name;
  throw new InvalidArgumentError(`Unknown delta engine: ${value}`, {
    hint: "Use builtin or xdelta3.",
  });
}

/**
 * The delta codec of the chosen engine: `builtin` (default) or `xdelta3` (the binary, which
 * must be installed).
 *
 * @example
 * ```ts
 * const codec = createXdeltaCodec(); // builtin
 * const native = createXdeltaCodec({ engine: "xdelta3" });
 * ```
 */
export function createXdeltaCodec(options: XdeltaCodecOptions = {}): DeltaCodec {
  const engine = options.engine ?? "builtin";
  return engine === "xdelta3"
    ? createNativeXdeltaCodec(options.native)
    : createBuiltinCodec(options.builtin);
}

/** Options of the dgd codec: tuning of its encoder. */
export interface DgdCodecOptions {
  readonly encoder?: Omit<EncodeDgdOptions, "signal">;
}

/**
 * dgd, our own delta format (DGD-FORMAT.md), behind the `DeltaCodec` port: `encodeDgd` and
 * `decodeDgd`. Its deltas are read by deltaglider only; an encode reports `dgd/1` through
 * `onFormat` (the SDK records it as `dg-delta-format`).
 *
 * @example
 * ```ts
 * const codec = createDgdCodec();
 * const delta = codec.encode(await openFileSource("v1.tar"), createReadStream("v2.tar"));
 * ```
 */
export function createDgdCodec(options: DgdCodecOptions = {}): DeltaCodec {
  return {
    name: "dgd",
    encode(source: RandomAccessSource, target: DeltaTarget, opts?: DeltaEncodeOptions) {
      opts?.onFormat?.(DGD_DELTA_FORMAT);
      return encodeDgd(source, targetStream(target, opts), {
        ...options.encoder,
        ...(opts?.signal === undefined ? {} : { signal: opts.signal }),
      });
    },
    decode(source: RandomAccessSource, delta: ByteStream, opts?: DeltaDecodeOptions) {
      return decodeDgd(source, delta, opts?.signal === undefined ? {} : { signal: opts.signal });
    },
  };
}

/** The delta formats a codec of {@link createDeltaCodec} writes. */
export type DeltaFormat = "dgd" | "vcdiff";

/** Options of {@link createDeltaCodec}. */
export interface DeltaCodecOptions {
  /** What `encode` writes (default `dgd`); zero-diff deltas are always VCDIFF. */
  readonly format?: DeltaFormat;
  /** The VCDIFF codec: written when `format` is `vcdiff`, and for every VCDIFF delta read. */
  readonly vcdiff?: XdeltaCodecOptions;
  readonly dgd?: DgdCodecOptions;
}

/**
 * The codec that reads every delta format we ever wrote and writes the chosen one: dgd deltas
 * are told from VCDIFF by their magic (`d7 44 47 44`; VCDIFF starts `d6 c3 c4`), so a bucket
 * may hold both. Writes dgd by default, VCDIFF with `format: "vcdiff"` (what the Python
 * DeltaGlider and `xdelta3 -d` read) and for zero-diff deltas (`zeroDiff`), which every
 * reader then decodes.
 *
 * @example
 * ```ts
 * const codec = createDeltaCodec({ format: "dgd", vcdiff: { engine: "builtin" } });
 * const target = codec.decode(reference, deltaStream); // dgd or VCDIFF
 * ```
 */
export function createDeltaCodec(options: DeltaCodecOptions = {}): DeltaCodec {
  const vcdiff = createXdeltaCodec(options.vcdiff);
  const dgd = createDgdCodec(options.dgd);
  const writesDgd = (options.format ?? "dgd") === "dgd";
  return {
    name: writesDgd ? "dgd" : vcdiff.name,
    encode(source: RandomAccessSource, target: DeltaTarget, opts?: DeltaEncodeOptions) {
      return writesDgd && opts?.zeroDiff !== true
        ? dgd.encode(source, target, opts)
        : vcdiff.encode(source, target, opts);
    },
    async *decode(source: RandomAccessSource, delta: ByteStream, opts?: DeltaDecodeOptions) {
      const peeked = await peekStream(delta, DGD_MAGIC.length);
      const codec = isDgdDelta(peeked.head) ? dgd : vcdiff;
      yield* codec.decode(source, peeked.stream, opts);
    },
  };
}
