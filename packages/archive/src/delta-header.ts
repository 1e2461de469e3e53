import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { IntegrityError, UnsupportedError } from "@dg/core";
import type { ContainerKind } from "./container.js";
import type { SegmentRecord } from "./segment-table.js";
import { readSegmentTable, resolveSegmentTable } from "./segment-table.js";
import type { DeflateSegment, Segment } from "./segments.js";
import type { ByteParser } from "./varint.js";
import { createByteParser, createByteWriter } from "./varint.js";

/** `\x89DGAR\r\n\x1a`: cannot be taken for VCDIFF (`d6 c3 c4 00`), gzip or zip. */
export const ARCHIVE_DELTA_MAGIC = new Uint8Array([0x89, 0x44, 0x47, 0x41, 0x52, 0x0d, 0x0a, 0x1a]);
/** The version this package writes; it reads 1 and 2. */
export const ARCHIVE_DELTA_VERSION = 2;
/** The `dg-delta-format` value of the deltas this package writes. */
export const ARCHIVE_DELTA_FORMAT = `dg-archive/${ARCHIVE_DELTA_VERSION}`;
/** Magic, version byte, body length. */
export const PREAMBLE_BYTES = ARCHIVE_DELTA_MAGIC.length + 1 + 4;

const MAX_BODY = 64 * 1024 * 1024;
const MAX_TABLE = 64 * 1024 * 1024;
const CONTAINER_CODES: Record<ContainerKind, number> = { zip: 1, gzip: 2 };

/** Whether `head` starts with the archive-delta magic. */
export function isArchiveDelta(head: Uint8Array): boolean {
  return (
    head.length >= ARCHIVE_DELTA_MAGIC.length && ARCHIVE_DELTA_MAGIC.every((b, i) => head[i] === b)
  );
}

/** What the preamble says: the format version and the length of the body that follows. */
export interface Preamble {
  readonly version: 1 | 2;
  readonly bodyLength: number;
}

/**
 * Read the preamble. Throws `UnsupportedError` for a version this package does not know
 * (a newer one), `IntegrityError` for anything malformed.
 */
export function parsePreamble(preamble: Uint8Array): Preamble {
  if (preamble.length < PREAMBLE_BYTES || !isArchiveDelta(preamble)) {
    throw new IntegrityError("archive delta: header truncated");
  }
  const version = preamble[ARCHIVE_DELTA_MAGIC.length] as number;
  if (version !== 1 && version !== 2) {
    throw new UnsupportedError(`archive delta version ${version} is not supported`, {
      hint: "It was written by a newer deltaglider; upgrade to read it.",
    });
  }
  const bodyLength = createByteParser(preamble.subarray(ARCHIVE_DELTA_MAGIC.length + 1)).u32();
  if (bodyLength > MAX_BODY) throw new IntegrityError("archive delta: header too large");
  return { version, bodyLength };
}

/**
 * The whole header as stored: magic, version, body length, the table deflated as the body,
 * the body's CRC-32.
 */
export function sealHeader(version: number, table: Uint8Array): Uint8Array {
  const body = deflateRawSync(table, { level: 9 });
  if (body.length > MAX_BODY) throw new RangeError("archive delta header too large");
  const out = createByteWriter();
  out.bytes(ARCHIVE_DELTA_MAGIC);
  out.u8(version);
  out.u32(body.length);
  out.bytes(body);
  out.u32(crc32(body));
  return out.finish();
}

/**
 * Check the body's CRC-32 (`bodyAndCrc` = body bytes then their CRC) and inflate it, then
 * hand the table to `parse`. Any damage, whatever `parse` throws included, becomes an
 * `IntegrityError`; `UnsupportedError` passes through.
 */
export function openHeaderBody<T>(bodyAndCrc: Uint8Array, parse: (table: ByteParser) => T): T {
  try {
    const body = bodyAndCrc.subarray(0, bodyAndCrc.length - 4);
    const stored = createByteParser(bodyAndCrc.subarray(bodyAndCrc.length - 4)).u32();
    if (bodyAndCrc.length < 4 || crc32(body) !== stored) {
      throw new IntegrityError("archive delta: header checksum mismatch");
    }
    const r = createByteParser(inflateRawSync(body, { maxOutputLength: MAX_TABLE }));
    const parsed = parse(r);
    if (r.remaining !== 0) throw new RangeError("trailing bytes in the header");
    return parsed;
  } catch (error) {
    if (error instanceof IntegrityError || error instanceof UnsupportedError) throw error;
    throw new IntegrityError("archive delta: header is damaged", { cause: error });
  }
}

/** Write a container code. */
export function containerCode(container: ContainerKind): number {
  return CONTAINER_CODES[container];
}

/** Read a container code; `RangeError` for an unknown one. */
export function readContainer(r: ByteParser): ContainerKind {
  const code = r.u8();
  const container = (Object.keys(CONTAINER_CODES) as ContainerKind[]).find(
    (k) => CONTAINER_CODES[k] === code,
  );
  if (container === undefined) throw new RangeError(`unknown container ${code}`);
  return container;
}

/** Lowercase hex of 32 bytes read from the table. */
export function readSha256(r: ByteParser): string {
  return Buffer.from(r.bytes(32)).toString("hex");
}

/** A version 1 header (written by earlier releases; still read). */
export interface ArchiveDeltaHeaderV1 {
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

/** A version 1 header as stored: segments may still name streams of the reference. */
export interface ParsedHeaderV1 extends Omit<ArchiveDeltaHeaderV1, "segments"> {
  readonly version: 1;
  readonly records: readonly SegmentRecord[];
}

/** Parse the table of a version 1 header (see FORMAT.md, *Version 1*). */
export function parseHeaderV1(r: ByteParser): ParsedHeaderV1 {
  const container = readContainer(r);
  const targetSize = r.varint();
  const targetSha256 = readSha256(r);
  const referenceSize = r.varint();
  const referenceLimit = r.varint();
  const expandedReferenceSize = r.varint();
  const expandedReferenceSha256 = readSha256(r);
  const engine = r.text(256);
  const records = readSegmentTable(r);
  return {
    version: 1,
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
}

/**
 * A version 1 header with its segments resolved against the reference's deflate streams;
 * throws `IntegrityError` when they do not fit.
 */
export function resolveHeaderV1(
  parsed: ParsedHeaderV1,
  referenceStreams: readonly DeflateSegment[],
): ArchiveDeltaHeaderV1 {
  const { records, version: _version, ...rest } = parsed;
  return { ...rest, segments: resolveSegmentTable(records, referenceStreams, parsed.targetSize) };
}
