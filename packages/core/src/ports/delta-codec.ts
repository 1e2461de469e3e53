import type { ByteStream, OperationOptions, RandomAccessSource } from "./common.js";

export interface DeltaEncodeOptions extends OperationOptions {
  /** Size of the target when known in advance (lets an engine size its windows). */
  readonly targetSize?: number;
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
  decode(source: RandomAccessSource, delta: ByteStream, options?: OperationOptions): ByteStream;
}
