import type { ByteStream, OperationOptions, RandomAccessSource } from "./common.js";
import type { ScratchBlob, ScratchSpace } from "./scratch.js";

export interface DeltaEncodeOptions extends OperationOptions {
  /** Size of the target when known in advance (lets an engine size its windows). */
  readonly targetSize?: number;
  /**
   * Called, before the delta stream ends, by codecs that write something other than plain
   * VCDIFF (e.g. archive-aware deltas), with the format's versioned name. The caller records
   * it in the object's metadata as `dg-delta-format`; plain VCDIFF carries no mark.
   */
  readonly onFormat?: (format: string) => void;
  /**
   * The target is the source itself: the zero-diff delta written beside a new reference.
   * Codecs write it in the format every reader knows (plain VCDIFF, which the Python
   * DeltaGlider and `xdelta3 -d` decode), whatever they write otherwise; it costs no size.
   */
  readonly zeroDiff?: boolean;
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
 * A target the codec may read more than once, as a stream or by position: a file already on
 * disk, a cached reference. A codec that needs the target by position (the archive codec)
 * opens it instead of spooling a stream; the others stream it with `open`.
 */
export interface ReplayableTarget {
  readonly size: number;
  /**
   * SHA-256 (64 lowercase hex) the bytes must have. `open` streams fail at their end when the
   * bytes differ; a codec that reads by position checks what it read against it and fails
   * with `IntegrityError`, so a file changed while it is encoded is never stored.
   */
  readonly sha256?: string;
  open(options?: OperationOptions): ByteStream;
  openRandomAccess(options?: OperationOptions): Promise<RandomAccessSource>;
}

/** What a codec encodes: a one-shot stream, or a {@link ReplayableTarget}. */
export type DeltaTarget = ByteStream | ReplayableTarget;

/**
 * The delta codec port. `encode` turns (source, target) into a delta; `decode` turns
 * (source, delta) back into the target. Both stream: the delta is read once, in order; the
 * target is read once, in order, unless it is a {@link ReplayableTarget}; the source is read
 * by position and never loaded whole by the caller's contract. A damaged delta is an
 * `IntegrityError` (or `UnsupportedError` for features the engine lacks), raised while
 * iterating the output.
 */
export interface DeltaCodec {
  /** Engine name for metadata and messages, e.g. `builtin` or `xdelta3`. */
  readonly name: string;
  encode(source: RandomAccessSource, target: DeltaTarget, options?: DeltaEncodeOptions): ByteStream;
  /**
   * Optional: encode into `scratch` and return the finished delta, for codecs that hold their
   * whole output before returning it anyway (to choose between candidates or check it). A
   * caller that would spool `encode`'s output calls this instead, so the delta is written to
   * scratch space once. The caller disposes the blob.
   */
  encodeToScratch?(
    source: RandomAccessSource,
    target: DeltaTarget,
    scratch: ScratchSpace,
    options?: DeltaEncodeOptions,
  ): Promise<ScratchBlob>;
  decode(source: RandomAccessSource, delta: ByteStream, options?: DeltaDecodeOptions): ByteStream;
}
