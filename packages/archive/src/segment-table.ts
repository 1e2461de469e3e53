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

function streamKey(s: DeflateSegment): string {
  return `${s.compressedLength}:${s.inflatedLength}:${s.crc32}`;
}

/** Engine codes of the settings records. */
const ENGINE_CODES: Record<DeflateEngine, number> = { "node-zlib": 0, zlib: 1, gnu: 2 };
const ENGINE_BY_CODE: readonly DeflateEngine[] = ["node-zlib", "zlib", "gnu"];

function writeParams(w: ByteWriter, p: DeflateParams): void {
  w.u8(ENGINE_CODES[p.engine]);
  w.u8(p.level);
  w.u8(p.memLevel);
  w.u8(p.windowBits);
  w.u8(p.strategy);
}

function readParams(r: ByteParser): DeflateParams {
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

const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

/**
 * Write the target's segments: raw runs, and deflate streams either by reference to an equal
 * stream of the reference (same lengths and CRC-32) or explicitly.
 */
export function writeSegmentTable(
  w: ByteWriter,
  segments: readonly Segment[],
  referenceStreams: readonly DeflateSegment[],
): void {
  const byKey = new Map<string, number[]>();
  referenceStreams.forEach((s, i) => {
    const list = byKey.get(streamKey(s));
    if (list === undefined) byKey.set(streamKey(s), [i]);
    else list.push(i);
  });
  let last = -1;
  w.varint(segments.length);
  for (const segment of segments) {
    if (segment.kind === "raw") {
      w.u8(RAW);
      w.varint(segment.length);
      continue;
    }
    const params = segment.params;
    if (params === undefined) throw new RangeError("a target deflate segment needs settings");
    const matches = byKey.get(streamKey(segment));
    if (matches !== undefined) {
      const index = matches.find((i) => i > last) ?? (matches[0] as number);
      w.u8(REFERENCE_STREAM);
      w.varint(zigzag(index - (last + 1)));
      writeParams(w, params);
      last = index;
      continue;
    }
    w.u8(DEFLATE);
    w.varint(segment.compressedLength);
    w.varint(segment.inflatedLength);
    w.u32(segment.crc32);
    writeParams(w, params);
  }
}

/** Read what {@link writeSegmentTable} wrote; throws `RangeError` on malformed input. */
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
