import type { ByteStream, RandomAccessSource } from "@dg/core";
import type { EncodeVcdiffOptions } from "./encoder.js";

type EncoderModule = typeof import("./encoder.js");
let encoder: Promise<EncoderModule> | undefined;

/**
 * Encode `target` as a VCDIFF delta against `source`: `encodeVcdiff` of `./encoder.js`, whose
 * modules are loaded on first use, so that a process that only decodes never loads them.
 *
 * @example
 * ```ts
 * const source = await openFileSource("v1.zip");
 * await pipeline(encodeVcdiff(source, createReadStream("v2.zip")), createWriteStream("v2.delta"));
 * ```
 */
export async function* encodeVcdiff(
  source: RandomAccessSource,
  target: ByteStream,
  options: EncodeVcdiffOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  encoder ??= import("./encoder.js");
  const { encodeVcdiff: encode } = await encoder;
  yield* encode(source, target, options);
}
