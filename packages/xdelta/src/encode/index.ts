export type { EncodeVcdiffOptions } from "./encoder.js";
export { encodeVcdiff } from "./encoder.js";
export type { MatcherParams } from "./window-matcher.js";
