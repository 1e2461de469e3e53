import { InvalidArgumentError, targetStream } from "@dg/core";
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
 * `decodeDgd`. Its deltas are read by deltaglider only; not used by the SDK yet.
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
