import { IntegrityError, UnsupportedError } from "@dg/core";
import type { DeflateEngine, DeflateParams } from "./deflate-params.js";
import { isValidParams } from "./deflate-params.js";
import type { DeflateSegment, Segment } from "./segments.js";
import { originalSizeOf } from "./segments.js";
import type { ByteParser, ByteWriter } from "./varint.js";

/**
 * A deflate stream recorded as "the same lengths and CRC as stream `index` of the expanded
 * reference": unchanged entries of an archive cost a byte or two instead of a dozen.
 */
export interface ReferenceStreamRecord {
  readonly kind: "reference-stream";
  /** Index among the reference's deflate streams, in file order. */
  readonly index: number;
  readonly params: DeflateParams;
}

/** A segment as stored: explicit, or borrowing its numbers from the reference. */
export type SegmentRecord = Segment | ReferenceStreamRecord;

/** Most segments a delta may have: it bounds the decoder's memory, and encoders keep to it. */
export const MAX_SEGMENTS = 4 * 1024 * 1024;
const RAW = 0;
const DEFLATE = 1;
const REFERENCE_STREAM = 2;

/** Engine codes of the settings records. */
const ENGINE_CODES: Record<DeflateEngine, number> = { "node-zlib": 0, zlib: 1, gnu: 2 };
const ENGINE_BY_CODE: readonly DeflateEngine[] = ["node-zlib", "zlib", "gnu"];

/** Write deflate settings: engine, level, memLevel, windowBits, strategy (a byte each). */
export function writeParams(w: ByteWriter, p: DeflateParams): void {
  w.u8(ENGINE_CODES[p.engine]);
  w.u8(p.level);
  w.u8(p.memLevel);
  w.u8(p.windowBits);
  w.u8(p.strategy);
}

/** Read what {@link writeParams} wrote; unknown engines are `UnsupportedError`. */
export function readParams(r: ByteParser): DeflateParams {
  const code = r.u8();
  const engine = ENGINE_BY_CODE[code];
  if (engine === undefined) {
    throw new UnsupportedError(`archive delta: unknown deflate engine ${code}`, {
      hint: "It was written by a newer deltaglider; upgrade to read it.",
    });
  }
  const params = {
    engine,
    level: r.u8(),
    memLevel: r.u8(),
    windowBits: r.u8(),
    strategy: r.u8(),
  };
  if (!isValidParams(params)) throw new RangeError("bad deflate settings");
  return params;
}

/** Signed numbers as varints: 0, -1, 1, -2, … as 0, 1, 2, 3, … */
export const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
export const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

/** Read a version 1 segment table; throws `RangeError` on malformed input. */
export function readSegmentTable(r: ByteParser): SegmentRecord[] {
  const count = r.varint();
  if (count > r.remaining || count > MAX_SEGMENTS) {
    throw new RangeError("segment count too large");
  }
  const records: SegmentRecord[] = [];
  let last = -1;
  for (let i = 0; i < count; i++) {
    const kind = r.u8();
    if (kind === RAW) {
      records.push({ kind: "raw", length: r.varint() });
    } else if (kind === DEFLATE) {
      const compressedLength = r.varint();
      const inflatedLength = r.varint();
      const crc32 = r.u32();
      records.push({
        kind: "deflate",
        compressedLength,
        inflatedLength,
        crc32,
        params: readParams(r),
      });
    } else if (kind === REFERENCE_STREAM) {
      const index = last + 1 + unzigzag(r.varint());
      if (index < 0) throw new RangeError("bad reference stream index");
      records.push({ kind: "reference-stream", index, params: readParams(r) });
      last = index;
    } else {
      throw new RangeError(`unknown segment kind ${kind}`);
    }
  }
  return records;
}

/**
 * Turn records into segments with the reference's streams, checking that they describe
 * exactly `targetSize` bytes. Throws `IntegrityError` otherwise.
 */
export function resolveSegmentTable(
  records: readonly SegmentRecord[],
  referenceStreams: readonly DeflateSegment[],
  targetSize: number,
): Segment[] {
  const segments = records.map((record): Segment => {
    if (record.kind !== "reference-stream") return record;
    const stream = referenceStreams[record.index];
    if (stream === undefined) {
      throw new IntegrityError("archive delta: it names a stream the reference does not have");
    }
    return { ...stream, params: record.params };
  });
  if (originalSizeOf(segments) !== targetSize) {
    throw new IntegrityError("archive delta: its segments do not add up to the file size");
  }
  return segments;
}
