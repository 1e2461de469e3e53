import type { ContainerKind } from "./container.js";
import {
  containerCode,
  openHeaderBody,
  readContainer,
  readSha256,
  sealHeader,
} from "./delta-header.js";
import { MAX_SEGMENTS, readParams, unzigzag, writeParams, zigzag } from "./segment-table.js";
import type { PieceStart, Segment } from "./segments.js";
import { originalSizeOf } from "./segments.js";
import type { ByteParser } from "./varint.js";
import { createByteWriter } from "./varint.js";

/**
 * How a stretch of the reference appears in its expanded form (version 2): as it is, inflated,
 * or not at all (a stream the target copies, of no use to the inner delta).
 */
export type ReferencePiece =
  | { readonly kind: "raw"; readonly offset: number; readonly length: number }
  | {
      readonly kind: "inflate";
      readonly offset: number;
      readonly compressedLength: number;
      readonly inflatedLength: number;
      readonly crc32: number;
    }
  | { readonly kind: "skip"; readonly offset: number; readonly length: number };

/** Everything a version 2 archive delta records besides the inner delta. */
export interface ArchiveDeltaHeaderV2 {
  readonly container: ContainerKind;
  readonly targetSize: number;
  readonly targetSha256: string;
  readonly referenceSize: number;
  readonly expandedReferenceSize: number;
  readonly expandedReferenceSha256: string;
  /** Which deflate implementation made the recorded settings reproduce, e.g. `node-zlib/1.3.1`. */
  readonly engine: string;
  /** The reference, covered exactly and in order. */
  readonly referencePieces: readonly ReferencePiece[];
  /** The target, covered exactly and in order. */
  readonly segments: readonly Segment[];
}

const INFLATE = 1;
const SKIP = 2;
const RAW = 0;
const DEFLATE = 1;
const COPY = 2;
/** Pieces are at least this long, which bounds how many a stream may have. */
export const MIN_PIECE = 4096;

/**
 * Serialise a version 2 header (see FORMAT.md): preamble, deflated table, CRC-32.
 *
 * @example
 * ```ts
 * out.write(encodeHeaderV2(header));
 * ```
 */
export function encodeHeaderV2(header: ArchiveDeltaHeaderV2): Uint8Array {
  const w = createByteWriter();
  w.u8(containerCode(header.container));
  w.varint(header.targetSize);
  w.bytes(Buffer.from(header.targetSha256, "hex"));
  w.varint(header.referenceSize);
  w.varint(header.expandedReferenceSize);
  w.bytes(Buffer.from(header.expandedReferenceSha256, "hex"));
  w.text(header.engine);

  const records = header.referencePieces.filter((p) => p.kind !== "raw");
  w.varint(records.length);
  let end = 0;
  for (const piece of records) {
    w.varint(piece.offset - end);
    if (piece.kind === "inflate") {
      w.u8(INFLATE);
      w.varint(piece.compressedLength);
      w.varint(piece.inflatedLength);
      w.u32(piece.crc32);
      end = piece.offset + piece.compressedLength;
    } else if (piece.kind === "skip") {
      w.u8(SKIP);
      w.varint(piece.length);
      end = piece.offset + piece.length;
    }
  }

  w.varint(header.segments.length);
  let copyEnd = 0;
  for (const segment of header.segments) {
    if (segment.kind === "raw") {
      w.u8(RAW);
      w.varint(segment.length);
    } else if (segment.kind === "copy") {
      w.u8(COPY);
      w.varint(zigzag(segment.referenceOffset - copyEnd));
      w.varint(segment.length);
      copyEnd = segment.referenceOffset + segment.length;
    } else {
      if (segment.params === undefined) throw new RangeError("a target stream needs settings");
      w.u8(DEFLATE);
      w.varint(segment.compressedLength);
      w.varint(segment.inflatedLength);
      w.u32(segment.crc32);
      writeParams(w, segment.params);
      const pieces = segment.pieces ?? [];
      w.varint(pieces.length);
      let input = 0;
      let bit = 0;
      for (const piece of pieces) {
        w.varint(piece.input - input);
        w.varint(piece.bit - bit);
        input = piece.input;
        bit = piece.bit;
      }
    }
  }
  return sealHeader(2, w.finish());
}

/**
 * Parse a version 2 table (from {@link openHeaderBody}), checking that its numbers fit
 * together; throws `RangeError` on anything malformed.
 */
export function parseHeaderV2(r: ByteParser): ArchiveDeltaHeaderV2 {
  const container = readContainer(r);
  const targetSize = r.varint();
  const targetSha256 = readSha256(r);
  const referenceSize = r.varint();
  const expandedReferenceSize = r.varint();
  const expandedReferenceSha256 = readSha256(r);
  const engine = r.text(256);
  const referencePieces = readReferencePieces(r, referenceSize);
  let expanded = 0;
  for (const p of referencePieces) {
    if (p.kind === "raw") expanded += p.length;
    else if (p.kind === "inflate") expanded += p.inflatedLength;
  }
  if (expanded !== expandedReferenceSize) {
    throw new RangeError("the reference's pieces do not add up to its expanded size");
  }
  const segments = readSegments(r, referenceSize);
  if (originalSizeOf(segments) !== targetSize) {
    throw new RangeError("the segments do not add up to the file size");
  }
  return {
    container,
    targetSize,
    targetSha256,
    referenceSize,
    expandedReferenceSize,
    expandedReferenceSha256,
    engine,
    referencePieces,
    segments,
  };
}

function readReferencePieces(r: ByteParser, referenceSize: number): ReferencePiece[] {
  const count = r.varint();
  if (count > r.remaining || count > MAX_SEGMENTS) throw new RangeError("too many pieces");
  const pieces: ReferencePiece[] = [];
  let end = 0;
  const rawUpTo = (offset: number): void => {
    if (offset > end) pieces.push({ kind: "raw", offset: end, length: offset - end });
  };
  for (let i = 0; i < count; i++) {
    const offset = end + r.varint();
    const kind = r.u8();
    rawUpTo(offset);
    if (kind === INFLATE) {
      const compressedLength = r.varint();
      const inflatedLength = r.varint();
      const crc32 = r.u32();
      if (compressedLength === 0) throw new RangeError("empty reference stream");
      pieces.push({ kind: "inflate", offset, compressedLength, inflatedLength, crc32 });
      end = offset + compressedLength;
    } else if (kind === SKIP) {
      const length = r.varint();
      if (length === 0) throw new RangeError("empty skipped piece");
      pieces.push({ kind: "skip", offset, length });
      end = offset + length;
    } else {
      throw new RangeError(`unknown reference piece kind ${kind}`);
    }
    if (end > referenceSize) throw new RangeError("a reference piece ends past the reference");
  }
  rawUpTo(referenceSize);
  return pieces;
}

function readPieces(r: ByteParser, inflatedLength: number, compressedLength: number) {
  const count = r.varint();
  if (count > Math.ceil(inflatedLength / MIN_PIECE) || count > r.remaining) {
    throw new RangeError("too many pieces in a stream");
  }
  const pieces: PieceStart[] = [];
  let input = 0;
  let bit = 0;
  for (let i = 0; i < count; i++) {
    const inputStep = r.varint();
    const bitStep = r.varint();
    if (inputStep < MIN_PIECE || bitStep === 0) throw new RangeError("a piece too short");
    input += inputStep;
    bit += bitStep;
    pieces.push({ input, bit });
  }
  if (input >= inflatedLength && count > 0) throw new RangeError("a piece past the stream");
  if (bit >= compressedLength * 8 && count > 0) throw new RangeError("a piece past the stream");
  return pieces;
}

function readSegments(r: ByteParser, referenceSize: number): Segment[] {
  const count = r.varint();
  if (count > r.remaining || count > MAX_SEGMENTS) throw new RangeError("too many segments");
  const segments: Segment[] = [];
  let copyEnd = 0;
  let pieceCount = 0;
  for (let i = 0; i < count; i++) {
    const kind = r.u8();
    if (kind === RAW) {
      segments.push({ kind: "raw", length: r.varint() });
    } else if (kind === COPY) {
      const referenceOffset = copyEnd + unzigzag(r.varint());
      const length = r.varint();
      if (referenceOffset < 0 || length === 0 || referenceOffset + length > referenceSize) {
        throw new RangeError("a copy outside the reference");
      }
      segments.push({ kind: "copy", referenceOffset, length });
      copyEnd = referenceOffset + length;
    } else if (kind === DEFLATE) {
      const compressedLength = r.varint();
      const inflatedLength = r.varint();
      const crc32 = r.u32();
      const params = readParams(r);
      if (compressedLength === 0) throw new RangeError("empty target stream");
      const pieces = readPieces(r, inflatedLength, compressedLength);
      pieceCount += pieces.length;
      if (pieceCount > MAX_SEGMENTS) throw new RangeError("too many pieces");
      segments.push({ kind: "deflate", compressedLength, inflatedLength, crc32, params, pieces });
    } else {
      throw new RangeError(`unknown segment kind ${kind}`);
    }
  }
  return segments;
}

/** Parse a version 2 header body (body bytes then CRC-32); any damage is `IntegrityError`. */
export function parseHeaderV2Body(bodyAndCrc: Uint8Array): ArchiveDeltaHeaderV2 {
  return openHeaderBody(bodyAndCrc, parseHeaderV2);
}
