/**
 * Constants of the VCDIFF header and window layout (RFC 3284 section 4) and of the
 * extensions `xdelta3` writes.
 */

/** The first four bytes of every VCDIFF file: 'V' 'C' 'D' with the high bit set, version 0. */
export const VCDIFF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0xd6, 0xc3, 0xc4, 0x00);

/** Hdr_Indicator bits. */
export const VCD_DECOMPRESS = 0x01;
export const VCD_CODETABLE = 0x02;
/** xdelta3's extension: an application header follows (length varint, then bytes). */
export const VCD_APPHEADER = 0x04;

/** Win_Indicator bits. */
export const VCD_SOURCE = 0x01;
export const VCD_TARGET = 0x02;
/** xdelta3's extension: a 4-byte big-endian Adler-32 of the target window follows. */
export const VCD_ADLER32 = 0x04;

/** Delta_Indicator bits: which sections are secondary-compressed. */
export const VCD_DATACOMP = 0x01;
export const VCD_INSTCOMP = 0x02;
export const VCD_ADDRCOMP = 0x04;

/** Secondary compressor ids as xdelta3 writes them after Hdr_Indicator. */
export const SECONDARY_DJW = 1;
export const SECONDARY_LZMA = 2;
export const SECONDARY_FGK = 16;

/**
 * Human name of a secondary compressor id.
 *
 * @example
 * ```ts
 * secondaryCompressorName(SECONDARY_LZMA); // "lzma"
 * ```
 */
export function secondaryCompressorName(id: number): string {
  switch (id) {
    case SECONDARY_DJW:
      return "djw";
    case SECONDARY_LZMA:
      return "lzma";
    case SECONDARY_FGK:
      return "fgk";
    default:
      return `unknown (${id})`;
  }
}
