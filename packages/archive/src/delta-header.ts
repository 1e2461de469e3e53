import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { IntegrityError, UnsupportedError } from "@dg/core";
import type { ContainerKind } from "./container.js";
import type { SegmentRecord } from "./segment-table.js";
import { readSegmentTable, resolveSegmentTable, writeSegmentTable } from "./segment-table.js";
import type { DeflateSegment, Segment } from "./segments.js";
import { createByteParser, createByteWriter } from "./varint.js";

/** `\x89DGAR\r\n\x1a`: cannot be taken for VCDIFF (`d6 c3 c4 00`), gzip or zip. */
export const ARCHIVE_DELTA_MAGIC = new Uint8Array([0x89, 0x44, 0x47, 0x41, 0x52, 0x0d, 0x0a, 0x1a]);
export const ARCHIVE_DELTA_VERSION = 1;
/** The `dg-delta-format` value of these deltas. */
export const ARCHIVE_DELTA_FORMAT = `dg-archive/${ARCHIVE_DELTA_VERSION}`;
/** Magic, version byte, body length. */
export const PREAMBLE_BYTES = ARCHIVE_DELTA_MAGIC.length + 1 + 4;

const MAX_BODY = 64 * 1024 * 1024;
const MAX_TABLE = 64 * 1024 * 1024;
const CONTAINER_CODES: Record<ContainerKind, number> = { zip: 1, gzip: 2 };

/** Everything an archive-aware delta records besides the inner delta. */
export interface ArchiveDeltaHeader {
  readonly container: ContainerKind;
  readonly targetSize: number;
  readonly targetSha256: string;
  readonly referenceSize: number;
  /** The expansion limit the reference was expanded with. */
  readonly referenceLimit: number;
  readonly expandedReferenceSize: number;
  readonly expandedReferenceSha256: string;
  /** Which deflate implementation made the recorded settings reproduce, e.g. `node-zlib/1.3.1`. */
  readonly engine: string;
  /** The target as raw runs and deflate streams (each with its settings). */
  readonly segments: readonly Segment[];
}

/** A header as stored: segments may still name streams of the reference. */
export interface ParsedArchiveDeltaHeader extends Omit<ArchiveDeltaHeader, "segments"> {
  readonly records: readonly SegmentRecord[];
}

/**
 * The header with its segments resolved against the reference's deflate streams; throws
 * `IntegrityError` when they do not fit.
 */
export function resolveArchiveDeltaHeader(
  parsed: ParsedArchiveDeltaHeader,
  referenceStreams: readonly DeflateSegment[],
): ArchiveDeltaHeader {
  const { records, ...rest } = parsed;
  return { ...rest, segments: resolveSegmentTable(records, referenceStreams, parsed.targetSize) };
}

/** Whether `head` starts with the archive-delta magic. */
export function isArchiveDelta(head: Uint8Array): boolean {
  return (
    head.length >= ARCHIVE_DELTA_MAGIC.length && ARCHIVE_DELTA_MAGIC.every((b, i) => head[i] === b)
  );
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/**
 * Serialise the header: magic, version, body length, the deflated body, its CRC-32.
 * `referenceStreams` are the reference's deflate streams (as its expansion found them):
 * target streams equal to one of them are recorded by index.
 *
 * @example
 * ```ts
 * out.write(encodeArchiveDeltaHeader(header, referenceExpansion.segments.filter(isDeflate)));
 * ```
 */
export function encodeArchiveDeltaHeader(
  header: ArchiveDeltaHeader,
  referenceStreams: readonly DeflateSegment[],
): Uint8Array {
  const w = createByteWriter();
  w.u8(CONTAINER_CODES[header.container]);
  w.varint(header.targetSize);
  w.bytes(hexToBytes(header.targetSha256));
  w.varint(header.referenceSize);
  w.varint(header.referenceLimit);
  w.varint(header.expandedReferenceSize);
  w.bytes(hexToBytes(header.expandedReferenceSha256));
  w.text(header.engine);
  writeSegmentTable(w, header.segments, referenceStreams);
  const body = deflateRawSync(w.finish(), { level: 9 });
  const out = createByteWriter();
  out.bytes(ARCHIVE_DELTA_MAGIC);
  out.u8(ARCHIVE_DELTA_VERSION);
  out.u32(body.length);
  out.bytes(body);
  out.u32(crc32(body));
  return out.finish();
}

/**
 * Read the preamble: returns the body length (what follows, plus 4 CRC bytes, is the body).
 * Throws `UnsupportedError` for a newer version, `IntegrityError` for anything malformed.
 */
export function parsePreamble(preamble: Uint8Array): number {
  if (preamble.length < PREAMBLE_BYTES || !isArchiveDelta(preamble)) {
    throw new IntegrityError("archive delta: header truncated");
  }
  const version = preamble[ARCHIVE_DELTA_MAGIC.length] as number;
  if (version !== ARCHIVE_DELTA_VERSION) {
    throw new UnsupportedError(`archive delta version ${version} is not supported`, {
      hint: "It was written by a newer deltaglider; upgrade to read it.",
    });
  }
  const length = createByteParser(preamble.subarray(ARCHIVE_DELTA_MAGIC.length + 1)).u32();
  if (length > MAX_BODY) throw new IntegrityError("archive delta: header too large");
  return length;
}

/**
 * Decode the header body (`bodyAndCrc` = body bytes then their CRC-32), checking its CRC and
 * that its numbers add up. Throws `IntegrityError` on any damage.
 */
export function parseArchiveDeltaBody(bodyAndCrc: Uint8Array): ParsedArchiveDeltaHeader {
  try {
    const body = bodyAndCrc.subarray(0, bodyAndCrc.length - 4);
    const stored = createByteParser(bodyAndCrc.subarray(bodyAndCrc.length - 4)).u32();
    if (bodyAndCrc.length < 4 || crc32(body) !== stored) {
      throw new IntegrityError("archive delta: header checksum mismatch");
    }
    const table = inflateRawSync(body, { maxOutputLength: MAX_TABLE });
    const r = createByteParser(table);
    const code = r.u8();
    const container = (Object.keys(CONTAINER_CODES) as ContainerKind[]).find(
      (k) => CONTAINER_CODES[k] === code,
    );
    if (container === undefined) throw new RangeError(`unknown container ${code}`);
    const targetSize = r.varint();
    const targetSha256 = Buffer.from(r.bytes(32)).toString("hex");
    const referenceSize = r.varint();
    const referenceLimit = r.varint();
    const expandedReferenceSize = r.varint();
    const expandedReferenceSha256 = Buffer.from(r.bytes(32)).toString("hex");
    const engine = r.text(256);
    const records = readSegmentTable(r);
    if (r.remaining !== 0) throw new RangeError("trailing bytes in the header");
    return {
      container,
      targetSize,
      targetSha256,
      referenceSize,
      referenceLimit,
      expandedReferenceSize,
      expandedReferenceSha256,
      engine,
      records,
    };
  } catch (error) {
    if (error instanceof IntegrityError || error instanceof UnsupportedError) throw error;
    throw new IntegrityError("archive delta: header is damaged", { cause: error });
  }
}
