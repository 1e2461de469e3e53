import type { RandomAccessSource } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import type { ContainerKind } from "./container.js";
import { detectContainer, DETECT_BYTES } from "./container.js";
import { gzipTrailerEnd, readGzipMemberHeader } from "./gzip-member.js";
import type { InflatedStream } from "./inflate-range.js";
import { inflateRange } from "./inflate-range.js";
import type { Segment } from "./segments.js";
import { pushSegment } from "./segments.js";
import { createFileWriter } from "./temp-files.js";
import type { FileWriter } from "./temp-files.js";
import { findZipDeflateEntries } from "./zip-layout.js";

export interface ExpandOptions {
  /** Streams that would take the expanded form past this size stay compressed. */
  readonly maxExpandedSize: number;
  readonly signal?: AbortSignal;
}

/** The expanded form written by {@link expandArchive}. */
export interface Expansion {
  readonly container: ContainerKind | undefined;
  readonly segments: readonly Segment[];
  readonly expandedSize: number;
  /** Deflate streams expanded. */
  readonly streams: number;
  /** Deflate streams found but kept compressed (damaged, or past the limit). */
  readonly keptCompressed: number;
}

const COPY_CHUNK = 1024 * 1024;

interface StreamCheck {
  /** Compressed length the stream must have, when the container says. */
  readonly exactLength?: number;
  /** Whether the inflated stream matches the container's own record (CRC, size). */
  validate(found: InflatedStream): Promise<boolean>;
}

/**
 * Write the expanded form of `source` to `outPath` as format version 1 defines it (FORMAT.md,
 * *Version 1*): the container's own bytes as they are, each sound deflate stream inflated,
 * and return the segments that describe how the two forms line up. A source that is no
 * known container is copied as one raw segment. Version 2 decoders use it for the
 * references of version 1 deltas.
 *
 * @example
 * ```ts
 * const expansion = await expandArchive(reference, work.file("reference.x"), {
 *   maxExpandedSize: header.referenceLimit,
 * });
 * ```
 */
export async function expandArchive(
  source: RandomAccessSource,
  outPath: string,
  options: ExpandOptions,
): Promise<Expansion> {
  const writer = await createFileWriter(outPath);
  try {
    const walker = createWalker(source, writer, options);
    const container = detectContainer(await source.read(0, DETECT_BYTES));
    if (container === "zip") await walker.walkZip();
    else if (container === "gzip") await walker.walkGzip();
    await walker.copyRawUpTo(source.size);
    await writer.flush();
    return { container, ...walker.result() };
  } finally {
    await writer.close();
  }
}

function createWalker(source: RandomAccessSource, writer: FileWriter, options: ExpandOptions) {
  const segments: Segment[] = [];
  let cursor = 0;
  let streams = 0;
  let keptCompressed = 0;
  async function copyRawUpTo(end: number): Promise<void> {
    if (end <= cursor) return;
    pushSegment(segments, { kind: "raw", length: end - cursor });
    while (cursor < end) {
      throwIfAborted(options.signal);
      const chunk = await source.read(cursor, Math.min(COPY_CHUNK, end - cursor));
      if (chunk.length === 0) {
        throw new IntegrityError(`The archive ended at byte ${cursor}, before its declared size`, {
          hint: "The file changed or was truncated while it was read; try again.",
        });
      }
      await writer.append(chunk);
      cursor += chunk.length;
    }
  }

  /**
   * Try to expand the deflate stream at `offset`. Returns what inflating found when the
   * stream is sound (whether or not it could be kept expanded), undefined when it is not.
   */
  async function expandStream(
    offset: number,
    limit: number,
    check: StreamCheck,
  ): Promise<InflatedStream | undefined> {
    await copyRawUpTo(offset);
    const mark = writer.size;
    const found = await inflateRange(source, offset, limit, (chunk) => writer.append(chunk), {
      maxOutput: Math.max(0, options.maxExpandedSize - mark),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const fits =
      found !== undefined &&
      (check.exactLength === undefined || found.consumed === check.exactLength) &&
      (await check.validate(found));
    if (!fits) {
      await writer.truncate(mark);
      if (found !== undefined) keptCompressed++;
      return undefined;
    }
    pushSegment(segments, {
      kind: "deflate",
      compressedLength: found.consumed,
      inflatedLength: found.inflatedLength,
      crc32: found.crc32,
    });
    cursor = offset + found.consumed;
    streams++;
    return found;
  }

  return {
    copyRawUpTo,
    async walkZip(): Promise<void> {
      for (const entry of await findZipDeflateEntries(source)) {
        await expandStream(entry.dataOffset, entry.compressedSize, {
          exactLength: entry.compressedSize,
          validate: async (found) =>
            found.crc32 === entry.crc32 && found.inflatedLength === entry.uncompressedSize,
        });
      }
    },
    async walkGzip(): Promise<void> {
      let at = 0;
      while (at < source.size) {
        const member = await readGzipMemberHeader(source, at);
        if (member === undefined) return;
        let trailerEnd = 0;
        const found = await expandStream(member.dataOffset, source.size - member.dataOffset, {
          validate: async (inflated) => {
            const end = member.dataOffset + inflated.consumed;
            const ends = await gzipTrailerEnd(source, end, inflated.crc32, inflated.inflatedLength);
            trailerEnd = ends ?? end + 8;
            return ends !== undefined;
          },
        });
        if (found === undefined) return;
        at = trailerEnd;
      }
    },
    result() {
      return { segments, expandedSize: writer.size, streams, keptCompressed };
    },
  };
}
