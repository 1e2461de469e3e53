import type { ByteStream, RandomAccessSource } from "@dg/core";
import type { DecodeDgdOptions } from "./decode.js";
import type { EncodeDgdOptions } from "./encode.js";

let encoder: Promise<typeof import("./encode.js")> | undefined;
let decoder: Promise<typeof import("./decode.js")> | undefined;

/**
 * Encode `target` as a dgd delta against `source` (the format of DGD-FORMAT.md: approximate
 * copies, separate compressed streams, checksums). Loads the encoder on first use.
 *
 * @example
 * ```ts
 * const source = await openFileSource("v1.tar");
 * await pipeline(encodeDgd(source, createReadStream("v2.tar")), createWriteStream("v2.dgd"));
 * ```
 */
export async function* encodeDgd(
  source: RandomAccessSource,
  target: ByteStream,
  options: EncodeDgdOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  encoder ??= import("./encode.js");
  const { encodeDgd: encode } = await encoder;
  yield* encode(source, target, options);
}

/**
 * Decode a dgd delta against `source`: the target's bytes, each window checked before it is
 * given out. Loads the decoder on first use.
 *
 * @example
 * ```ts
 * await pipeline(decodeDgd(source, createReadStream("v2.dgd")), createWriteStream("v2.tar"));
 * ```
 */
export async function* decodeDgd(
  source: RandomAccessSource,
  delta: AsyncIterable<Uint8Array>,
  options: DecodeDgdOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  decoder ??= import("./decode.js");
  const { decodeDgd: decode } = await decoder;
  yield* decode(source, delta, options);
}
