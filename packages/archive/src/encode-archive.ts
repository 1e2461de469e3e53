import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type {
  ByteStream,
  DeltaCodec,
  DeltaTarget,
  RandomAccessSource,
  ScratchBlob,
  ScratchSpace,
} from "@dg/core";
import { isDgError, spool, throwIfAborted } from "@dg/core";
import { IntegrityError } from "@dg/core";
import type { TempDir } from "@dg/node";
import type { Extent } from "./composite-source.js";
import { extentStream, pushExtent } from "./composite-source.js";
import type { ContainerKind } from "./container.js";
import { DETECT_BYTES, detectContainer } from "./container.js";
import { ARCHIVE_DELTA_FORMAT, PREAMBLE_BYTES, parsePreamble } from "./delta-header.js";
import type { DeflatePool } from "./deflate-pool.js";
import type { ExpandedReference, GzipReferenceWalk } from "./expanded-reference.js";
import { expandZipReference, walkGzipReference } from "./expanded-reference.js";
import type { ArchiveDeltaHeaderV2 } from "./header-v2.js";
import { encodeHeaderV2, parseHeaderV2Body } from "./header-v2.js";
import { decodeInnerDelta, encodeInnerDelta } from "./inner-delta.js";
import { deflateEngineName } from "./rebuild.js";
import { MAX_SEGMENTS } from "./segment-table.js";
import type { SettingsMemory } from "./stream-search.js";
import { createStreamSearcher } from "./stream-search.js";
import type { CopyFinder, ResolvedTarget, TargetWalk } from "./target-walk.js";
import {
  gzipCopyFinder,
  resolveTarget,
  sameBytes,
  walkTarget,
  zipCopyFinder,
} from "./target-walk.js";
import type { FileWriter } from "./temp-files.js";
import { createFileWriter, openFileReader } from "./temp-files.js";
import type { SpillBuffer } from "./spill-buffer.js";
import { createSpillBuffer } from "./spill-buffer.js";
import { findZipDeflateEntries } from "./zip-layout.js";

/** Which deltas an encode made, and why. */
export type ArchiveEncodePath =
  /** Only the archive-aware delta: most changed streams were reproduced. */
  | "archive"
  /** Both, keeping the smaller: few changed streams were reproduced, or the file is small. */
  | "archive+raw"
  /** Only the plain delta: the archive-aware one could not be made (see `why`). */
  | "raw";

/** What one archive-aware encode did, for logs and benchmarks. */
export interface ArchiveEncodeReport {
  readonly container: ContainerKind;
  /** Which delta was kept. */
  readonly chosen: "archive" | "raw";
  /** Which deltas were made. */
  readonly path: ArchiveEncodePath;
  /** Why that path ran. */
  readonly why:
    | "streams-reproduced"
    | "few-streams-reproduced"
    /** The inner delta is large beside the changed streams' compressed bytes. */
    | "inflating-gained-little"
    | "small-file"
    | "no-reproducible-streams"
    | "too-many-segments"
    | "identical";
  /** Why the raw delta was kept, when both were made. */
  readonly reason?: "raw-smaller" | "verification-failed";
  /** Size of the plain delta, when it was made. */
  readonly rawDeltaSize?: number;
  readonly archiveDeltaSize?: number;
  /** Deflate streams of the target kept inflated in the archive delta. */
  readonly streams: number;
  /** Deflate streams of the target copied from the reference (neither inflated nor searched). */
  readonly copiedStreams: number;
  /** Deflate streams of the target that had to stay compressed. */
  readonly keptCompressed: number;
  readonly expandedTargetSize?: number;
  readonly expandedReferenceSize?: number;
}

/** The delta an encode chose, and how to announce it. */
export interface ChosenDelta {
  readonly blob: ScratchBlob;
  /** Formats to report through `onFormat` (empty for the inner codec's plain output). */
  readonly formats: readonly string[];
  readonly report: ArchiveEncodeReport;
}

export interface EncodeArchiveInput {
  readonly inner: DeltaCodec;
  readonly pool: DeflatePool;
  readonly reference: RandomAccessSource;
  /** The target by position. */
  readonly target: RandomAccessSource;
  /** The target again for the plain delta (streamed or by position, as the inner codec likes). */
  readonly rawTarget: DeltaTarget;
  /** SHA-256 the target must have (the caller hashed it); checked against what was read. */
  readonly expectedSha256?: string;
  readonly container: ContainerKind;
  readonly work: TempDir;
  readonly scratch: ScratchSpace;
  readonly maxExpandedSize: number;
  readonly signal: AbortSignal | undefined;
  /** Files up to this size get both deltas (default 1 MiB): the plain one costs little. */
  readonly smallFile?: number;
  /** Settings earlier encodes found: tried first, and told what this one finds. */
  readonly settings?: SettingsMemory;
}

/** Share of the changed streams' compressed bytes reproduced below which both deltas are made. */
const FEW_REPRODUCED = 0.5;
/** Files up to this size get both deltas whatever was reproduced: the plain one costs little. */
const SMALL_FILE = 1024 * 1024;
/**
 * When the inner delta is at least this share of the compressed bytes of the changed streams
 * (those deflate compresses, and those kept compressed), inflating them gained nothing: the
 * plain delta, which holds at most those compressed bytes for them, may be the smaller (a
 * changed stream of mostly new content, as in the README's demo zips). It is made and compared.
 */
const RAW_MAY_WIN = 1;
/** Inner deltas past this size wait in a file rather than in memory. */
const SPILL_AFTER = 16 * 1024 * 1024;

/** The reference's side: how to find copies, and how to expand it once copies are known. */
interface ReferenceSide {
  readonly findCopy: CopyFinder;
  expand(copied: ReadonlySet<number>): Promise<ExpandedReference>;
}

async function referenceSide(input: EncodeArchiveInput): Promise<ReferenceSide> {
  const { reference, work, maxExpandedSize, signal } = input;
  const kind = detectContainer(await reference.read(0, DETECT_BYTES));
  const path = work.file("reference.inflated");
  if (kind === "gzip") {
    const walk: GzipReferenceWalk = await walkGzipReference(
      reference,
      path,
      maxExpandedSize,
      signal,
    );
    return {
      findCopy: gzipCopyFinder(reference, walk.members),
      expand: (copied) => walk.expand(copied, signal),
    };
  }
  const entries = kind === "zip" ? await findZipDeflateEntries(reference) : [];
  return {
    findCopy: zipCopyFinder(reference, entries),
    expand: (copied) =>
      expandZipReference(reference, entries, copied, path, maxExpandedSize, signal),
  };
}

/** The file the target's streams are inflated into, readable by position while it grows. */
async function growingFile(path: string): Promise<{
  writer: FileWriter;
  source: RandomAccessSource;
}> {
  const writer = await createFileWriter(path);
  const reader = await openFileReader(path);
  return {
    writer,
    source: {
      get size() {
        return writer.size;
      },
      read: (position, length) => reader.read(position, length),
      close: async () => {
        await reader.close();
        await writer.close();
      },
    },
  };
}

/**
 * Make the archive-aware delta of `target` (format version 2): copy the streams the
 * reference already has, reproduce the others, delta the expanded forms, check the result by
 * decoding its inner delta; make the plain delta too only when few streams were reproduced,
 * and keep the smaller. The chosen delta is written to `scratch` (once).
 */
export async function encodeArchive(input: EncodeArchiveInput): Promise<ChosenDelta> {
  const { pool, reference, target, container, work, signal } = input;
  const reference$ = await referenceSide(input);
  const inflated = await growingFile(work.file("target.inflated"));
  let expandedReference: ExpandedReference | undefined;
  try {
    const searcher = createStreamSearcher({
      pool,
      target,
      inflated: inflated.source,
      signal,
      ...(input.settings === undefined ? {} : { hints: input.settings.recent() }),
    });
    const walk: TargetWalk = await walkTarget({
      target,
      container,
      findCopy: reference$.findCopy,
      searcher,
      inflated: inflated.writer,
      maxExpandedSize: input.maxExpandedSize,
      signal,
    });
    // The searches run on the pool meanwhile.
    try {
      expandedReference = await reference$.expand(walk.copied);
    } catch (error) {
      await Promise.allSettled(walk.items.map((i) => (i.kind === "stream" ? i.reproduction : 0)));
      throw error;
    }
    // The inner delta is made while the searches finish, as if every stream they search
    // were reproduced (almost always the case); it is made again when one is not.
    const searched = walk.items.some((item) => item.kind === "stream");
    const speculative: Promise<InnerDelta | undefined> =
      !searched || (await searcher.firstFound)
        ? innerDelta(input, expandedReference, expandedTargetOf(walk, target, inflated.source), 0)
        : Promise.resolve(undefined);
    speculative.catch(() => undefined);
    const dropSpeculative = () =>
      speculative.then(
        (made) => made?.delta.dispose(),
        () => undefined,
      );
    let resolved: ResolvedTarget;
    try {
      resolved = await resolveTarget(walk, target, inflated.source);
      // Every search is done: a large file's inner delta is what remains, and idle workers
      // would hold their memory through it.
      if (target.size >= TRIM_WORKERS_FROM) pool.trim();
    } catch (error) {
      await dropSpeculative();
      throw error;
    }
    input.settings?.learn(searcher.learned());
    if (input.expectedSha256 !== undefined && walk.sha256 !== input.expectedSha256) {
      await dropSpeculative();
      throw new IntegrityError("The file changed while it was encoded", {
        hint: "Upload it again once nothing is writing to it.",
      });
    }
    const counts = {
      container,
      streams: resolved.counts.streams,
      copiedStreams: resolved.counts.copied,
      keptCompressed: resolved.counts.keptCompressed,
    };
    const raw = async (
      why: ArchiveEncodeReport["why"],
      extra: Partial<ArchiveEncodeReport> = {},
    ): Promise<ChosenDelta> => {
      await dropSpeculative();
      const { blob, formats } = await plainDelta(input);
      return {
        blob,
        formats,
        report: { ...counts, chosen: "raw", path: "raw", why, rawDeltaSize: blob.size, ...extra },
      };
    };
    if (resolved.counts.streams === 0 && resolved.counts.copied === 0) {
      return await raw("no-reproducible-streams");
    }
    // A file against itself (the zero-diff delta of a new reference): the plain delta is the
    // smaller, by the size of the copies' records.
    if (await identical(walk, target, reference)) return await raw("identical");
    if (resolved.segments.length > MAX_SEGMENTS) return await raw("too-many-segments");

    const changed = resolved.bytes.reproduced + resolved.bytes.keptCompressed;
    const few = changed > 0 && resolved.bytes.reproduced < FEW_REPRODUCED * changed;
    const header: ArchiveDeltaHeaderV2 = {
      container,
      targetSize: target.size,
      targetSha256: walk.sha256,
      referenceSize: reference.size,
      expandedReferenceSize: expandedReference.size,
      expandedReferenceSha256: expandedReference.sha256,
      engine: deflateEngineName(),
      referencePieces: expandedReference.pieces,
      segments: resolved.segments,
    };
    let innerMade = await speculative;
    if (innerMade === undefined || resolved.counts.keptCompressed > 0) {
      await innerMade?.delta.dispose();
      innerMade = await innerDelta(input, expandedReference, resolved.extents, 1);
    }
    const made = await archiveDelta(input, header, innerMade);
    const small = target.size <= (input.smallFile ?? SMALL_FILE);
    const gainedLittle =
      innerMade.delta.size >
      RAW_MAY_WIN * (resolved.bytes.compressing + resolved.bytes.keptCompressed);
    const compare = few || small || gainedLittle;
    const sizes = {
      ...counts,
      archiveDeltaSize: made.blob.size,
      expandedTargetSize: innerMade.expandedSize,
      expandedReferenceSize: expandedReference.size,
    };
    if (!compare) {
      if (!made.verified) {
        await made.blob.dispose();
        return await raw("streams-reproduced", { reason: "verification-failed", ...sizes });
      }
      return {
        blob: made.blob,
        formats: [ARCHIVE_DELTA_FORMAT],
        report: { ...sizes, chosen: "archive", path: "archive", why: "streams-reproduced" },
      };
    }
    const { blob: plain, formats: plainFormats } = await plainDelta(input).catch(
      async (error: unknown) => {
        await made.blob.dispose();
        throw error;
      },
    );
    const both = {
      ...sizes,
      path: "archive+raw",
      why: few ? "few-streams-reproduced" : small ? "small-file" : "inflating-gained-little",
    } as const;
    if (made.verified && made.blob.size < plain.size) {
      await plain.dispose();
      return {
        blob: made.blob,
        formats: [ARCHIVE_DELTA_FORMAT],
        report: { ...both, chosen: "archive", rawDeltaSize: plain.size },
      };
    }
    await made.blob.dispose();
    return {
      blob: plain,
      formats: plainFormats,
      report: {
        ...both,
        chosen: "raw",
        reason: made.verified ? "raw-smaller" : "verification-failed",
        rawDeltaSize: plain.size,
      },
    };
  } finally {
    await expandedReference?.close();
    await inflated.source.close();
  }
}

/** Whether the target is byte for byte the reference (every stream copied in place). */
async function identical(
  walk: TargetWalk,
  target: RandomAccessSource,
  reference: RandomAccessSource,
): Promise<boolean> {
  if (target.size !== reference.size) return false;
  let cursor = 0;
  for (const item of walk.items) {
    if (item.kind !== "copy" || item.referenceOffset !== item.offset) return false;
    if (!(await sameBytes(target, cursor, reference, cursor, item.offset - cursor))) return false;
    cursor = item.offset + item.length;
  }
  return sameBytes(target, cursor, reference, cursor, target.size - cursor);
}

/**
 * The inner codec's plain delta of the whole file, written to scratch, with the formats the
 * inner codec reported (none for plain VCDIFF).
 */
async function plainDelta(
  input: EncodeArchiveInput,
): Promise<{ readonly blob: ScratchBlob; readonly formats: readonly string[] }> {
  const formats: string[] = [];
  const options = {
    targetSize: input.target.size,
    onFormat: (format: string) => formats.push(format),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
  const blob = await spool(
    input.scratch,
    input.inner.encode(input.reference, input.rawTarget, options),
    options,
  );
  return { blob, formats };
}

/** An inner delta made and checked. */
interface InnerDelta {
  readonly delta: SpillBuffer;
  readonly expandedSize: number;
  /** Whether it decodes to the expanded target it was made of. */
  readonly verified: boolean;
}

/** The expanded target as if every stream being searched were reproduced. */
/** Files from this size stop their idle deflate workers once their searches are done. */
const TRIM_WORKERS_FROM = 64 << 20;

function expandedTargetOf(
  walk: TargetWalk,
  target: RandomAccessSource,
  inflated: RandomAccessSource,
): Extent[] {
  const extents: Extent[] = [];
  let cursor = 0;
  for (const item of walk.items) {
    pushExtent(extents, { source: target, offset: cursor, length: item.offset - cursor });
    if (item.kind === "stream") {
      pushExtent(extents, {
        source: inflated,
        offset: item.inflatedAt,
        length: item.stream.inflatedLength,
      });
    }
    cursor = item.offset + item.length;
  }
  pushExtent(extents, { source: target, offset: cursor, length: target.size - cursor });
  return extents;
}

/**
 * Make the inner delta of the expanded target (hashed as it is read), then check it by
 * decoding it: it must give the same bytes. Deflate streams are not deflated again here:
 * the search compared every byte of each one (every piece of it) with the settings recorded.
 */
async function innerDelta(
  input: EncodeArchiveInput,
  expandedReference: ExpandedReference,
  extents: readonly Extent[],
  attempt: number,
): Promise<InnerDelta> {
  const { inner, signal } = input;
  const hash = createHash("sha256");
  let expandedSize = 0;
  async function* expandedTarget(): ByteStream {
    for await (const chunk of extentStream(extents, signal)) {
      hash.update(chunk);
      expandedSize += chunk.length;
      yield chunk;
    }
  }
  const size = extents.reduce((n, e) => n + e.length, 0);
  const delta = createSpillBuffer(input.work.file(`inner-${attempt}`), SPILL_AFTER);
  try {
    for await (const chunk of encodeInnerDelta(
      inner,
      expandedReference.source,
      expandedTarget(),
      size,
      signal,
    )) {
      throwIfAborted(signal);
      await delta.write(chunk);
    }
    const expected = hash.digest("hex");
    const verified = await decodesTo(input, delta, expandedReference, expected, expandedSize);
    return { delta, expandedSize, verified };
  } catch (error) {
    await delta.dispose();
    throw error;
  }
}

async function decodesTo(
  input: EncodeArchiveInput,
  delta: SpillBuffer,
  expandedReference: ExpandedReference,
  sha256: string,
  size: number,
): Promise<boolean> {
  const { inner, signal } = input;
  try {
    const hash = createHash("sha256");
    let got = 0;
    for await (const chunk of decodeInnerDelta(
      inner,
      expandedReference.source,
      delta.stream(),
      signal,
    )) {
      throwIfAborted(signal);
      hash.update(chunk);
      got += chunk.length;
    }
    return got === size && hash.digest("hex") === sha256;
  } catch (error) {
    if (signal?.aborted === true || (isDgError(error) && error.code === "CANCELLED")) throw error;
    // Any failure to decode it means the plain delta is kept.
    return false;
  }
}

/**
 * Write the header and the checked inner delta to scratch (the delta's one copy). The header
 * must read back as written.
 */
async function archiveDelta(
  input: EncodeArchiveInput,
  header: ArchiveDeltaHeaderV2,
  inner: InnerDelta,
): Promise<{ blob: ScratchBlob; verified: boolean }> {
  const headerBytes = encodeHeaderV2(header);
  const { version, bodyLength } = parsePreamble(headerBytes.subarray(0, PREAMBLE_BYTES));
  const parsed = parseHeaderV2Body(
    headerBytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + bodyLength + 4),
  );
  const verified = inner.verified && version === 2 && isDeepStrictEqual(parsed, header);
  const writer = await input.scratch.create();
  try {
    await writer.write(headerBytes);
    for await (const chunk of inner.delta.stream()) await writer.write(chunk);
    return { blob: await writer.finish(), verified };
  } catch (error) {
    await writer.dispose();
    throw error;
  } finally {
    await inner.delta.dispose();
  }
}
