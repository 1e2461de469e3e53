import type { RandomAccessSource } from "@dg/core";
import type { DeltaSource } from "./delta-input.js";
import type { DecodeVcdiffOptions } from "./options.js";

type DecoderModule = typeof import("./decode-vcdiff.js");
let decoder: Promise<DecoderModule> | undefined;

/**
 * Decode a VCDIFF delta against `source`: `decodeVcdiff` of `./decode-vcdiff.js` (see there),
 * whose modules are loaded on first use, so that a process that only encodes never loads them.
 *
 * @example
 * ```ts
 * for await (const chunk of decodeVcdiff(source, createReadStream("file.delta"))) out.write(chunk);
 * ```
 */
export async function* decodeVcdiff(
  source: RandomAccessSource,
  delta: DeltaSource,
  options: DecodeVcdiffOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  decoder ??= import("./decode-vcdiff.js");
  const { decodeVcdiff: decode } = await decoder;
  yield* decode(source, delta, options);
}
