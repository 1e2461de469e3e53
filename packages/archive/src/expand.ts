import type { RandomAccessSource } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import type { ContainerKind } from "./container.js";
import { detectContainer, DETECT_BYTES } from "./container.js";
import type { DeflateParams } from "./deflate-params.js";
import { candidateParams, LIKELY_CANDIDATES, paramsKey } from "./deflate-params.js";
import { readGzipMemberHeader } from "./gzip-member.js";
import type { InflatedStream } from "./inflate-range.js";
import { inflateRange } from "./inflate-range.js";
import { findDeflateParams } from "./param-search.js";
import type { Segment } from "./segments.js";
import { pushSegment } from "./segments.js";
import { createFileWriter, openFileReader } from "./temp-files.js";
import type { FileReader, FileWriter } from "./temp-files.js";
import { findZipDeflateEntries } from "./zip-layout.js";

export interface ExpandOptions {
  /**
   * Target mode: keep a stream inflated only when some deflate settings reproduce it byte for
   * byte, and record them. Reference mode (false): inflate every stream that inflates and
   * checks out, so that the same bytes always give the same expanded form.
   */
  readonly search: boolean;
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
  /** Deflate streams found but kept compressed (no settings reproduce them, or damaged). */
  readonly keptCompressed: number;
}

const COPY_CHUNK = 1024 * 1024;
/**
 * After this many streams of one archive defeat the full search, only likely settings are
 * tried (each engine's defaults, or only its levels 6 and 9 when nothing was reproduced).
 */
const FULL_SEARCH_FAILURES = 3;

interface StreamCheck {
  /** Compressed length the stream must have, when the container says. */
  readonly exactLength?: number;
  /** Whether the inflated stream matches the container's own record (CRC, size). */
  validate(found: InflatedStream): Promise<boolean>;
}

/**
 * Write the expanded form of `source` to `outPath`: the container's own bytes as they are,
 * each deflate stream inflated (see {@link ExpandOptions.search}), and return the segments
 * that describe how the two forms line up. A source that is no known container is copied
 * as one raw segment.
 *
 * @example
 * ```ts
 * const expansion = await expandArchive(target, work.file("target.x"), {
 *   search: true,
 *   maxExpandedSize: 2 ** 40,
 * });
 * ```
 */
export async function expandArchive(
  source: RandomAccessSource,
  outPath: string,
  options: ExpandOptions,
): Promise<Expansion> {
  const writer = await createFileWriter(outPath);
  let reader: FileReader | undefined;
  try {
    reader = await openFileReader(outPath);
    const walker = createWalker(source, writer, reader, options);
    const container = detectContainer(await source.read(0, DETECT_BYTES));
    if (container === "zip") await walker.walkZip();
    else if (container === "gzip") await walker.walkGzip();
    await walker.copyRawUpTo(source.size);
    await writer.flush();
    return { container, ...walker.result() };
  } finally {
    await reader?.close();
    await writer.close();
  }
}

function createWalker(
  source: RandomAccessSource,
  writer: FileWriter,
  reader: FileReader,
  options: ExpandOptions,
) {
  const segments: Segment[] = [];
  let cursor = 0;
  let streams = 0;
  let keptCompressed = 0;
  const learned: DeflateParams[] = [];
  let searchFailures = 0;
  const allCandidates = candidateParams();
  const likelyCandidates = allCandidates.slice(0, LIKELY_CANDIDATES);
  // When nothing of this file has been reproduced, later streams only get each engine's
  // two commonest levels.
  const defaultCandidates = likelyCandidates.filter((p) => p.level === 6 || p.level === 9);

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

  function candidates(): DeflateParams[] {
    const base =
      searchFailures < FULL_SEARCH_FAILURES
        ? allCandidates
        : learned.length > 0
          ? likelyCandidates
          : defaultCandidates;
    const seen = new Set(learned.map(paramsKey));
    return [...learned, ...base.filter((p) => !seen.has(paramsKey(p)))];
  }

  function remember(params: DeflateParams): void {
    const key = paramsKey(params);
    const at = learned.findIndex((p) => paramsKey(p) === key);
    if (at >= 0) learned.splice(at, 1);
    learned.unshift(params);
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
    let params: DeflateParams | undefined;
    if (options.search) {
      await writer.flush();
      params = await findDeflateParams(
        { source: asSource(reader, writer), start: mark, length: found.inflatedLength },
        { source, start: offset, length: found.consumed },
        candidates(),
        options.signal,
      );
      if (params === undefined) {
        searchFailures++;
        keptCompressed++;
        await writer.truncate(mark);
        return found;
      }
      remember(params);
    }
    pushSegment(segments, {
      kind: "deflate",
      compressedLength: found.consumed,
      inflatedLength: found.inflatedLength,
      crc32: found.crc32,
      ...(params === undefined ? {} : { params }),
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
            const trailerAt = member.dataOffset + inflated.consumed;
            const trailer = await source.read(trailerAt, 8);
            if (trailer.length < 8) return false;
            const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
            trailerEnd = trailerAt + 8;
            return (
              view.getUint32(0, true) === inflated.crc32 &&
              view.getUint32(4, true) === inflated.inflatedLength % 0x1_0000_0000
            );
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

/** The expanded file so far, as a source (its size grows as the walk appends). */
function asSource(reader: FileReader, writer: FileWriter): RandomAccessSource {
  return {
    get size() {
      return writer.size;
    },
    read: (position, length) => reader.read(position, length),
    close: async () => undefined,
  };
}
