export type {
  BuiltinCodecOptions,
  DeltaCodecOptions,
  DeltaEngine,
  DeltaFormat,
  DgdCodecOptions,
  XdeltaCodecOptions,
} from "./codec.js";
export {
  createBuiltinCodec,
  createDeltaCodec,
  createDgdCodec,
  createXdeltaCodec,
  DELTA_ENGINES,
  parseDeltaEngine,
} from "./codec.js";
export type { DecodeVcdiffOptions } from "./decode/index.js";
export { decodeVcdiff } from "./decode/lazy.js";
export type { EncodeVcdiffOptions, MatcherParams } from "./encode/index.js";
export { encodeVcdiff } from "./encode/lazy.js";
/** Re-exported from `@dg/node` (the platform layer), so a codec user needs one import. */
export { openFileSource } from "@dg/node";
export type { NativeXdeltaCodecOptions } from "./native/xdelta3-codec.js";
export { createNativeXdeltaCodec } from "./native/xdelta3-codec.js";
export { createBufferSource } from "./vcdiff/index.js";
export type { DecodeDgdOptions } from "./dgd/decode.js";
export type { EncodeDgdOptions } from "./dgd/encode.js";
export { DGD_DELTA_FORMAT, isDgdDelta } from "./dgd/format.js";
export { decodeDgd, encodeDgd } from "./dgd/lazy.js";
