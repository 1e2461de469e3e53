export type { ExternalCompression, Xdelta3AppHeader } from "./app-header.js";
export { parseXdelta3AppHeader } from "./app-header.js";
export { decodeVcdiff } from "./decode-vcdiff.js";
export type { DeltaSource } from "./delta-input.js";
export type { SecondaryCompressor, VcdiffHeader } from "./file-header.js";
export { readVcdiffHeader } from "./file-header.js";
export type { DecodeVcdiffOptions, DecodeWarning } from "./options.js";
export {
  DEFAULT_MAX_IN_MEMORY_SOURCE,
  DEFAULT_MAX_TARGET_HISTORY,
  DEFAULT_MAX_WINDOW_SIZE,
  DEFAULT_SOURCE_CACHE_SIZE,
  DEFAULT_SOURCE_READ_CONCURRENCY,
} from "./options.js";
