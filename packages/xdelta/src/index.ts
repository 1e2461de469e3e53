export { openFileSource } from "./file-source.js";
export { createNativeXdeltaCodec } from "./native/xdelta3-codec.js";
export type { NativeXdeltaCodecOptions } from "./native/xdelta3-codec.js";
