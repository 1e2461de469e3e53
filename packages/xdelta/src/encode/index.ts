export type { EncodeVcdiffOptions } from "./encoder.js";
export { encodeVcdiff } from "./lazy.js";
export type { MatcherParams } from "./window-matcher.js";
