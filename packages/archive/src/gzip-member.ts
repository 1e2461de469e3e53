import type { RandomAccessSource } from "@dg/core";

/** The header of one gzip member (RFC 1952). */
export interface GzipMemberHeader {
  /** Where the member starts. */
  readonly offset: number;
  /** Where its deflate stream starts. */
  readonly dataOffset: number;
}

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const RESERVED = 0xe0;
/** Longest file name or comment looked through; longer ones make the member raw bytes. */
const MAX_TEXT = 64 * 1024;

/**
 * Parse the gzip member header at `offset`, or return undefined when there is none (not the
 * magic `1f 8b 08`, reserved flags set, truncated, or an unreasonably long name/comment).
 *
 * @example
 * ```ts
 * const member = await readGzipMemberHeader(source, 0);
 * if (member) inflateFrom(member.dataOffset);
 * ```
 */
export async function readGzipMemberHeader(
  source: RandomAccessSource,
  offset: number,
): Promise<GzipMemberHeader | undefined> {
  const fixed = (await source.read(offset, 10)).slice();
  if (fixed.length < 10 || fixed[0] !== 0x1f || fixed[1] !== 0x8b || fixed[2] !== 8) {
    return undefined;
  }
  const flags = fixed[3] ?? 0;
  if ((flags & RESERVED) !== 0) return undefined;
  let at = offset + 10;
  if ((flags & FEXTRA) !== 0) {
    const length = (await source.read(at, 2)).slice();
    if (length.length < 2) return undefined;
    at += 2 + ((length[0] ?? 0) | ((length[1] ?? 0) << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if ((flags & flag) === 0) continue;
    const text = await source.read(at, MAX_TEXT);
    const zero = text.indexOf(0);
    if (zero < 0) return undefined;
    at += zero + 1;
  }
  if ((flags & FHCRC) !== 0) at += 2;
  if (at >= source.size) return undefined;
  return { offset, dataOffset: at };
}

/**
 * Where the member whose deflate stream ends at `trailerAt` ends, when the 8-byte trailer
 * there records `crc32` and `inflatedLength` (modulo 2^32); undefined when it does not.
 *
 * @example
 * ```ts
 * const end = await gzipTrailerEnd(source, streamEnd, inflated.crc32, inflated.inflatedLength);
 * ```
 */
export async function gzipTrailerEnd(
  source: RandomAccessSource,
  trailerAt: number,
  crc32: number,
  inflatedLength: number,
): Promise<number | undefined> {
  const trailer = await source.read(trailerAt, 8);
  if (trailer.length < 8) return undefined;
  const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
  const matches =
    view.getUint32(0, true) === crc32 && view.getUint32(4, true) === inflatedLength % 0x1_0000_0000;
  return matches ? trailerAt + 8 : undefined;
}
