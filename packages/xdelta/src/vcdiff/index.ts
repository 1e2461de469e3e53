export { adler32, adler32Js } from "./adler32.js";
export type { AddressCache } from "./address-cache.js";
export { createAddressCache } from "./address-cache.js";
export { createBufferSource } from "./buffer-source.js";
export type { CodeTable, CodeTableEntry, InstructionType } from "./code-table.js";
export {
  addCopyOpcode,
  copyAddOpcode,
  createCodeTable,
  DEFAULT_CODE_TABLE,
  DEFAULT_MODE_COUNT,
  DEFAULT_NEAR_SIZE,
  DEFAULT_SAME_SIZE,
  singleOpcode,
  VCD_ADD,
  VCD_COPY,
  VCD_NOOP,
  VCD_RUN,
} from "./code-table.js";
export {
  SECONDARY_DJW,
  SECONDARY_FGK,
  SECONDARY_LZMA,
  secondaryCompressorName,
  VCD_ADDRCOMP,
  VCD_ADLER32,
  VCD_APPHEADER,
  VCD_CODETABLE,
  VCD_DATACOMP,
  VCD_DECOMPRESS,
  VCD_INSTCOMP,
  VCD_SOURCE,
  VCD_TARGET,
  VCDIFF_MAGIC,
} from "./header.js";
export {
  encodeVarint,
  MAX_VARINT_LENGTH,
  readVarint,
  VARINT_INCOMPLETE,
  varintLength,
  writeVarint,
} from "./varint.js";
