import { createHash } from "node:crypto";
import type { RandomAccessSource } from "@dg/core";
import { IntegrityError, InternalError, throwIfAborted, UnsupportedError } from "@dg/core";
import { openFileSource } from "@dg/node";
import type { Extent } from "./composite-source.js";
import { createCompositeSource, extentStream, pushExtent } from "./composite-source.js";
import { readGzipMemberHeader } from "./gzip-member.js";
import type { ReferencePiece } from "./header-v2.js";
import type { InflatedStream } from "./inflate-range.js";
import { inflateRange } from "./inflate-range.js";
import type { FileWriter } from "./temp-files.js";
import { createFileWriter } from "./temp-files.js";
import type { ZipDeflateEntry } from "./zip-layout.js";

/** A deflate stream of a container, where it lies and what it inflates to. */
export interface FoundStream {
  readonly offset: number;
  readonly compressedLength: number;
  readonly inflatedLength: number;
  readonly crc32: number;
}

/** An expanded reference (version 2): its pieces, and the bytes they make, by position. */
export interface ExpandedReference {
  readonly pieces: readonly ReferencePiece[];
  readonly source: RandomAccessSource;
  readonly size: number;
  readonly sha256: string;
  /** Release the file of inflated bytes. */
  close(): Promise<void>;
}

/** Inflated streams, appended to one file. */
interface InflatedFile {
  readonly writer: FileWriter;
  readonly path: string;
}

async function inflateInto(
  file: InflatedFile,
  source: RandomAccessSource,
  offset: number,
  limit: number,
  maxOutput: number,
  signal: AbortSignal | undefined,
): Promise<{ found: InflatedStream; at: number } | undefined> {
  const at = file.writer.size;
  const found = await inflateRange(source, offset, limit, (chunk) => file.writer.append(chunk), {
    maxOutput,
    ...(signal === undefined ? {} : { signal }),
  });
  if (found === undefined) {
    await file.writer.truncate(at);
    return undefined;
  }
  return { found, at };
}

/**
 * The extents, size and SHA-256 of the expanded form the pieces describe; `inflatedAt` gives
 * where in the inflated file each inflate piece's bytes are (by the piece's offset).
 */
async function compose(
  reference: RandomAccessSource,
  pieces: readonly ReferencePiece[],
  file: InflatedFile,
  inflatedAt: ReadonlyMap<number, number>,
  signal: AbortSignal | undefined,
): Promise<ExpandedReference> {
  await file.writer.close();
  const inflated = await openFileSource(file.path);
  try {
    const extents: Extent[] = [];
    for (const piece of pieces) {
      if (piece.kind === "raw") {
        pushExtent(extents, { source: reference, offset: piece.offset, length: piece.length });
      } else if (piece.kind === "inflate") {
        const offset = inflatedAt.get(piece.offset);
        if (offset === undefined) throw new InternalError("an inflate piece was not inflated");
        pushExtent(extents, { source: inflated, offset, length: piece.inflatedLength });
      }
    }
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of extentStream(extents, signal)) {
      hash.update(chunk);
      size += chunk.length;
    }
    return {
      pieces,
      source: createCompositeSource(extents),
      size,
      sha256: hash.digest("hex"),
      close: () => inflated.close(),
    };
  } catch (error) {
    await inflated.close();
    throw error;
  }
}

/** Pieces of the whole reference from its streams (in order), raw runs between them. */
function piecesAround(
  size: number,
  streams: readonly (FoundStream & { readonly skip: boolean })[],
): ReferencePiece[] {
  const pieces: ReferencePiece[] = [];
  let end = 0;
  for (const s of streams) {
    if (s.offset > end) pieces.push({ kind: "raw", offset: end, length: s.offset - end });
    pieces.push(
      s.skip
        ? { kind: "skip", offset: s.offset, length: s.compressedLength }
        : {
            kind: "inflate",
            offset: s.offset,
            compressedLength: s.compressedLength,
            inflatedLength: s.inflatedLength,
            crc32: s.crc32,
          },
    );
    end = s.offset + s.compressedLength;
  }
  if (size > end) pieces.push({ kind: "raw", offset: end, length: size - end });
  return pieces;
}

/**
 * Expand a zip-family reference for encoding: entries the target copies (`copied`, by data
 * offset) are left out, the others are inflated when they check out against the directory
 * and fit within `maxExpandedSize`; everything else stays as it is.
 */
export async function expandZipReference(
  reference: RandomAccessSource,
  entries: readonly ZipDeflateEntry[],
  copied: ReadonlySet<number>,
  inflatedPath: string,
  maxExpandedSize: number,
  signal: AbortSignal | undefined,
): Promise<ExpandedReference> {
  const file = { writer: await createFileWriter(inflatedPath), path: inflatedPath };
  try {
    const streams: (FoundStream & { skip: boolean })[] = [];
    const inflatedAt = new Map<number, number>();
    let expanded = reference.size;
    for (const entry of entries) {
      throwIfAborted(signal);
      const stream = {
        offset: entry.dataOffset,
        compressedLength: entry.compressedSize,
        inflatedLength: entry.uncompressedSize,
        crc32: entry.crc32,
      };
      if (copied.has(entry.dataOffset)) {
        streams.push({ ...stream, skip: true });
        expanded -= entry.compressedSize;
        continue;
      }
      const room = maxExpandedSize - expanded + entry.compressedSize;
      const got = await inflateInto(
        file,
        reference,
        entry.dataOffset,
        entry.compressedSize,
        Math.max(0, room),
        signal,
      );
      const sound =
        got !== undefined &&
        got.found.consumed === entry.compressedSize &&
        got.found.crc32 === entry.crc32 &&
        got.found.inflatedLength === entry.uncompressedSize;
      if (!sound) {
        if (got !== undefined) await file.writer.truncate(got.at);
        continue;
      }
      streams.push({ ...stream, skip: false });
      inflatedAt.set(entry.dataOffset, got.at);
      expanded += entry.uncompressedSize - entry.compressedSize;
    }
    const pieces = piecesAround(reference.size, streams);
    return await compose(reference, pieces, file, inflatedAt, signal);
  } finally {
    await file.writer.close();
  }
}

/** The gzip members of a reference, inflated; then which of them the target copies. */
export interface GzipReferenceWalk {
  readonly members: readonly FoundStream[];
  /** Expand, leaving out the members the target copies (by data offset). */
  expand(copied: ReadonlySet<number>, signal: AbortSignal | undefined): Promise<ExpandedReference>;
}

/**
 * Walk a gzip reference's members (see FORMAT.md, *Expansion*), inflating each sound one into
 * `inflatedPath` while it is read; the walk stops at the first position that is not a sound
 * member, or one that would take the expanded form past `maxExpandedSize`.
 */
export async function walkGzipReference(
  reference: RandomAccessSource,
  inflatedPath: string,
  maxExpandedSize: number,
  signal: AbortSignal | undefined,
): Promise<GzipReferenceWalk> {
  const file = { writer: await createFileWriter(inflatedPath), path: inflatedPath };
  const members: FoundStream[] = [];
  const inflatedAt = new Map<number, number>();
  try {
    let at = 0;
    let expanded = reference.size;
    while (at < reference.size) {
      throwIfAborted(signal);
      const member = await readGzipMemberHeader(reference, at);
      if (member === undefined) break;
      const limit = reference.size - member.dataOffset;
      const got = await inflateInto(
        file,
        reference,
        member.dataOffset,
        limit,
        Math.max(0, maxExpandedSize - expanded + limit),
        signal,
      );
      if (got === undefined) break;
      const trailerAt = member.dataOffset + got.found.consumed;
      const trailer = await reference.read(trailerAt, 8);
      const view = new DataView(trailer.buffer, trailer.byteOffset, trailer.length);
      if (
        trailer.length < 8 ||
        view.getUint32(0, true) !== got.found.crc32 ||
        view.getUint32(4, true) !== got.found.inflatedLength % 0x1_0000_0000
      ) {
        await file.writer.truncate(got.at);
        break;
      }
      inflatedAt.set(member.dataOffset, got.at);
      members.push({
        offset: member.dataOffset,
        compressedLength: got.found.consumed,
        inflatedLength: got.found.inflatedLength,
        crc32: got.found.crc32,
      });
      expanded += got.found.inflatedLength - got.found.consumed;
      at = trailerAt + 8;
    }
    await file.writer.flush();
  } catch (error) {
    await file.writer.close();
    throw error;
  }
  return {
    members,
    async expand(copied, expandSignal) {
      // Copied members stay in the file of inflated bytes; the expanded form skips them.
      const pieces = piecesAround(
        reference.size,
        members.map((m) => ({ ...m, skip: copied.has(m.offset) })),
      );
      return compose(reference, pieces, file, inflatedAt, expandSignal);
    },
  };
}

/**
 * Expand a reference as a version 2 header records it, inflating its inflate pieces into
 * `inflatedPath` while reading them, and check the result against the recorded size and
 * SHA-256. Any difference is an `IntegrityError`.
 */
export async function expandRecordedReference(
  reference: RandomAccessSource,
  recorded: {
    readonly referenceSize: number;
    readonly referencePieces: readonly ReferencePiece[];
    readonly expandedReferenceSize: number;
    readonly expandedReferenceSha256: string;
  },
  inflatedPath: string,
  maxExpandedSize: number,
  signal: AbortSignal | undefined,
): Promise<ExpandedReference> {
  if (reference.size !== recorded.referenceSize) {
    throw new IntegrityError("archive delta: it was made against a different reference", {
      hint: "The reference changed since the delta was written.",
    });
  }
  if (recorded.expandedReferenceSize > maxExpandedSize) {
    throw new UnsupportedError(
      `archive delta needs ${recorded.expandedReferenceSize} bytes of temporary space, more than the configured ${maxExpandedSize}`,
      { hint: "Raise maxExpandedSize of the archive codec." },
    );
  }
  const file = { writer: await createFileWriter(inflatedPath), path: inflatedPath };
  const inflatedAt = new Map<number, number>();
  let expanded: ExpandedReference;
  try {
    for (const piece of recorded.referencePieces) {
      if (piece.kind !== "inflate") continue;
      throwIfAborted(signal);
      const got = await inflateInto(
        file,
        reference,
        piece.offset,
        piece.compressedLength,
        piece.inflatedLength,
        signal,
      );
      if (
        got === undefined ||
        got.found.consumed !== piece.compressedLength ||
        got.found.inflatedLength !== piece.inflatedLength ||
        got.found.crc32 !== piece.crc32
      ) {
        throw differentReference();
      }
      inflatedAt.set(piece.offset, got.at);
    }
    expanded = await compose(reference, recorded.referencePieces, file, inflatedAt, signal);
  } finally {
    await file.writer.close();
  }
  if (
    expanded.size !== recorded.expandedReferenceSize ||
    expanded.sha256 !== recorded.expandedReferenceSha256
  ) {
    await expanded.close();
    throw differentReference();
  }
  return expanded;
}

function differentReference(): IntegrityError {
  return new IntegrityError("archive delta: the reference does not expand as recorded", {
    hint: "The reference differs from the one the delta was made against.",
  });
}
