import { VCD_ADDRCOMP, VCD_DATACOMP, VCD_INSTCOMP } from "../vcdiff/header.js";
import { readVarint, VARINT_INCOMPLETE } from "../vcdiff/varint.js";
import { damaged } from "./errors.js";

/** A window's delta encoding (RFC 3284 section 4.3), split into its fields. */
export interface WindowBody {
  readonly targetLength: number;
  /** Delta_Indicator: which sections are secondary-compressed. */
  readonly deltaIndicator: number;
  /** xdelta3's Adler-32 of the target window, when the window carries one. */
  readonly checksum: number | undefined;
  /** Views into the delta: valid until the delta input is read further. */
  readonly data: Uint8Array;
  readonly inst: Uint8Array;
  readonly addr: Uint8Array;
}

/**
 * Parse the `Length of the delta encoding` bytes of a window: target window length, delta
 * indicator, the three section lengths, the optional checksum, and the sections. Every
 * length is checked against the body, so the sections are exactly its remaining bytes.
 */
export function parseWindowBody(
  body: Uint8Array,
  hasChecksum: boolean,
  maxWindowSize: number,
  where: string,
): WindowBody {
  const varint = { value: 0, offset: 0 };
  let p = 0;
  const next = (what: string): number => {
    if (readVarint(body, p, body.length, varint) === VARINT_INCOMPLETE) {
      throw damaged(`truncated ${what} in ${where}`);
    }
    p = varint.offset;
    return varint.value;
  };
  const targetLength = next("target window length");
  if (targetLength > maxWindowSize) {
    throw damaged(
      `${where} declares a target window of ${targetLength} bytes, over the limit of ${maxWindowSize} (maxWindowSize)`,
    );
  }
  if (p >= body.length) throw damaged(`truncated ${where}`);
  const deltaIndicator = body[p++]!;
  if ((deltaIndicator & ~(VCD_DATACOMP | VCD_INSTCOMP | VCD_ADDRCOMP)) !== 0) {
    throw damaged(`unknown delta indicator bits in ${where}`);
  }
  const dataLength = next("data section length");
  const instLength = next("instruction section length");
  const addrLength = next("address section length");
  let checksum: number | undefined;
  if (hasChecksum) {
    if (body.length - p < 4) throw damaged(`truncated checksum in ${where}`);
    checksum = ((body[p]! << 24) | (body[p + 1]! << 16) | (body[p + 2]! << 8) | body[p + 3]!) >>> 0;
    p += 4;
  }
  if (dataLength + instLength + addrLength !== body.length - p) {
    throw damaged(`the section lengths of ${where} do not add up to its delta length`);
  }
  return {
    targetLength,
    deltaIndicator,
    checksum,
    data: body.subarray(p, p + dataLength),
    inst: body.subarray(p + dataLength, p + dataLength + instLength),
    addr: body.subarray(p + dataLength + instLength),
  };
}
