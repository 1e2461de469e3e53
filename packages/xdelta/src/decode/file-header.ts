import {
  SECONDARY_DJW,
  SECONDARY_FGK,
  SECONDARY_LZMA,
  VCD_APPHEADER,
  VCD_CODETABLE,
  VCD_DECOMPRESS,
  VCDIFF_MAGIC,
} from "../vcdiff/header.js";
import type { Xdelta3AppHeader } from "./app-header.js";
import { parseXdelta3AppHeader } from "./app-header.js";
import type { DeltaInput, DeltaSource } from "./delta-input.js";
import { createDeltaInput } from "./delta-input.js";
import { damaged, NATIVE_ENGINE_HINT, toDecodeError, unsupported } from "./errors.js";

/** The secondary compressors xdelta3 can write. */
export type SecondaryCompressor = "lzma" | "djw" | "fgk";

/** What the VCDIFF file header says. */
export interface VcdiffHeader {
  /** Secondary compressor of the sections, when the header declares one. */
  readonly secondaryCompressor?: SecondaryCompressor;
  /** Whether the file carries its own code table (VCD_CODETABLE). */
  readonly customCodeTable: boolean;
  /** Raw application header bytes (VCD_APPHEADER), when present. */
  readonly applicationHeader?: Uint8Array;
  /** The application header parsed in xdelta3's layout, when it has that shape. */
  readonly xdelta3?: Xdelta3AppHeader;
  /** Bytes the header takes at the start of the delta. */
  readonly size: number;
}

/** Application headers longer than this are taken as damage (xdelta3 writes file names). */
export const MAX_APP_HEADER_LENGTH = 64 * 1024;

/** Parse the file header from `input`, leaving it at the first window. */
export async function parseFileHeader(input: DeltaInput): Promise<VcdiffHeader> {
  const first = input.offset;
  if (!(await input.fill(4))) throw damaged("too short for a VCDIFF header");
  const magic = input.take(4);
  if (
    magic[0] !== VCDIFF_MAGIC[0] ||
    magic[1] !== VCDIFF_MAGIC[1] ||
    magic[2] !== VCDIFF_MAGIC[2]
  ) {
    throw damaged("not a VCDIFF file (bad magic bytes)");
  }
  if (magic[3] !== 0) {
    throw unsupported(
      `Unsupported VCDIFF version ${magic[3]} (only version 0 of RFC 3284 is supported)`,
      NATIVE_ENGINE_HINT,
    );
  }
  const indicator = await input.readByte("the header indicator");
  if ((indicator & ~(VCD_DECOMPRESS | VCD_CODETABLE | VCD_APPHEADER)) !== 0) {
    throw damaged(`unknown header indicator bits 0x${indicator.toString(16)}`);
  }
  let secondaryCompressor: SecondaryCompressor | undefined;
  if ((indicator & VCD_DECOMPRESS) !== 0) {
    const id = await input.readByte("the secondary compressor id");
    if (id === SECONDARY_LZMA) secondaryCompressor = "lzma";
    else if (id === SECONDARY_DJW) secondaryCompressor = "djw";
    else if (id === SECONDARY_FGK) secondaryCompressor = "fgk";
    else throw unsupported(`Unknown VCDIFF secondary compressor id ${id}`, NATIVE_ENGINE_HINT);
  }
  const customCodeTable = (indicator & VCD_CODETABLE) !== 0;
  if (customCodeTable) {
    throw unsupported(
      "This VCDIFF delta carries its own code table (VCD_CODETABLE), which is not supported",
      NATIVE_ENGINE_HINT,
    );
  }
  let applicationHeader: Uint8Array | undefined;
  if ((indicator & VCD_APPHEADER) !== 0) {
    const length = await input.readVarint("the application header length");
    if (length > MAX_APP_HEADER_LENGTH) throw damaged(`application header of ${length} bytes`);
    if (!(await input.fill(length))) throw damaged("truncated in the application header");
    applicationHeader = input.take(length).slice();
  }
  const xdelta3 = applicationHeader && parseXdelta3AppHeader(applicationHeader);
  return {
    ...(secondaryCompressor === undefined ? {} : { secondaryCompressor }),
    customCodeTable,
    ...(applicationHeader === undefined ? {} : { applicationHeader }),
    ...(xdelta3 === undefined ? {} : { xdelta3 }),
    size: input.offset - first,
  };
}

/**
 * Read only the file header of a delta (for inspection): the secondary compressor, the
 * application header and, for deltas made by xdelta3, the file names and whether xdelta3
 * decompressed them first. Reads no further than the header and closes the stream.
 *
 * @example
 * ```ts
 * const header = await readVcdiffHeader(createReadStream("file.delta"));
 * header.secondaryCompressor; // "lzma"
 * header.xdelta3?.targetCompression; // "gzip" when xdelta3 recompresses the output
 * ```
 */
export async function readVcdiffHeader(delta: DeltaSource): Promise<VcdiffHeader> {
  const input = createDeltaInput(delta);
  try {
    return await parseFileHeader(input);
  } catch (error) {
    throw toDecodeError(error);
  } finally {
    await input.close();
  }
}
