export type { EncodeVcdiffOptions } from "./encoder.js";
export type { SecondaryCompression } from "./secondary.js";
export { encodeVcdiff } from "./lazy.js";
export type { MatcherParams } from "./window-matcher.js";
