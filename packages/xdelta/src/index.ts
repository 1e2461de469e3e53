export type {
  BuiltinCodecOptions,
  DeltaEngine,
  XdeltaCodecOptions,
} from "./codec.js";
export {
  createBuiltinCodec,
  createXdeltaCodec,
  DELTA_ENGINES,
  parseDeltaEngine,
} from "./codec.js";
export type { DecodeVcdiffOptions } from "./decode/index.js";
export { decodeVcdiff } from "./decode/lazy.js";
export type { EncodeVcdiffOptions, MatcherParams } from "./encode/index.js";
export { encodeVcdiff } from "./encode/lazy.js";
export { openFileSource } from "./file-source.js";
export type { NativeXdeltaCodecOptions } from "./native/xdelta3-codec.js";
export { createNativeXdeltaCodec } from "./native/xdelta3-codec.js";
export { createBufferSource } from "./vcdiff/index.js";
