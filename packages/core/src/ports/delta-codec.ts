import type { ByteStream, OperationOptions, RandomAccessSource } from "./common.js";

export interface DeltaEncodeOptions extends OperationOptions {
  /** Size of the target when known in advance (lets an engine size its windows). */
  readonly targetSize?: number;
  /**
   * Called, before the delta stream ends, by codecs that write something other than plain
   * VCDIFF (e.g. archive-aware deltas), with the format's versioned name. The caller records
   * it in the object's metadata as `dg-delta-format`; plain VCDIFF carries no mark.
   */
  readonly onFormat?: (format: string) => void;
}

/** Options of {@link DeltaCodec.decode}. */
export interface DeltaDecodeOptions extends OperationOptions {
  /**
   * Rebuild deltas that the encoder made over content it decompressed itself (xdelta3's
   * external recompression, which the Python DeltaGlider gets for `.tgz` files): decode the
   * decompressed content and compress it again. The result has the same decompressed content
   * but is not byte-identical to the original. Default false: such deltas fail with
   * `UnsupportedError`.
   */
  readonly recoverExternalCompression?: boolean;
  /** Told (before the output ends) when the output is content-equal but not byte-identical. */
  readonly onNotByteIdentical?: (message: string) => void;
}

/**
 * The delta codec port. `encode` turns (source, target) into a delta; `decode` turns
 * (source, delta) back into the target. Both stream: the target and the delta are read once,
 * in order; the source is read by position and never loaded whole by the caller's contract.
 * A damaged delta is an `IntegrityError` (or `UnsupportedError` for features the engine lacks),
 * raised while iterating the output.
 */
export interface DeltaCodec {
  /** Engine name for metadata and messages, e.g. `builtin` or `xdelta3`. */
  readonly name: string;
  encode(source: RandomAccessSource, target: ByteStream, options?: DeltaEncodeOptions): ByteStream;
  decode(source: RandomAccessSource, delta: ByteStream, options?: DeltaDecodeOptions): ByteStream;
}
