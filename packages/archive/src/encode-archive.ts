import type { ByteStream, DeltaCodec, RandomAccessSource } from "@dg/core";
import { isDgError, throwIfAborted } from "@dg/core";
import { openFileSource, streamFile } from "@dg/node";
import type { TempDir } from "@dg/node";
import { createByteReader } from "./byte-reader.js";
import type { ContainerKind } from "./container.js";
import type { ExpandedReference } from "./decode-archive.js";
import { decodeWithExpandedReference, readArchiveDeltaHeader } from "./decode-archive.js";
import type { ArchiveDeltaHeader } from "./delta-header.js";
import {
  ARCHIVE_DELTA_FORMAT,
  encodeArchiveDeltaHeader,
  resolveArchiveDeltaHeader,
} from "./delta-header.js";
import { expandArchive } from "./expand.js";
import { deflateEngineName } from "./rebuild.js";
import { MAX_SEGMENTS } from "./segment-table.js";
import { deflateSegmentsOf } from "./segments.js";
import { createFileWriter, sha256OfFile } from "./temp-files.js";
import type { WrittenFile } from "./temp-files.js";

/** What one archive-aware encode did, for logs and benchmarks. */
export interface ArchiveEncodeReport {
  readonly container: ContainerKind;
  /** Which delta was kept. */
  readonly chosen: "archive" | "raw";
  /** Why the raw delta was kept, when it was. */
  readonly reason?:
    | "no-reproducible-streams"
    | "too-many-segments"
    | "raw-smaller"
    | "verification-failed";
  readonly rawDeltaSize: number;
  readonly archiveDeltaSize?: number;
  /** Deflate streams of the target kept inflated in the archive delta. */
  readonly streams: number;
  /** Deflate streams of the target that had to stay compressed. */
  readonly keptCompressed: number;
  readonly expandedTargetSize?: number;
  readonly expandedReferenceSize?: number;
}

/** The delta file picked by {@link chooseDelta}, and how to announce it. */
export interface ChosenDelta {
  readonly path: string;
  /** Formats to report through `onFormat` (empty for the inner codec's plain output). */
  readonly formats: readonly string[];
  readonly report: ArchiveEncodeReport;
}

export interface ChooseDeltaInput {
  readonly inner: DeltaCodec;
  readonly source: RandomAccessSource;
  readonly target: WrittenFile;
  readonly container: ContainerKind;
  readonly work: TempDir;
  readonly maxExpandedSize: number;
  readonly signal: AbortSignal | undefined;
}

async function writeDelta(path: string, prefix: Uint8Array, delta: ByteStream): Promise<number> {
  const writer = await createFileWriter(path);
  try {
    await writer.append(prefix);
    for await (const chunk of delta) await writer.append(chunk);
    await writer.flush();
    return writer.size;
  } finally {
    await writer.close();
  }
}

/**
 * Make both the raw delta (the inner codec on the bytes as they are) and the archive-aware
 * delta, check that the archive-aware one decodes to the exact target, and keep the smaller.
 */
export async function chooseDelta(input: ChooseDeltaInput): Promise<ChosenDelta> {
  const { inner, source, target, container, work, maxExpandedSize, signal } = input;
  const withSignal = signal === undefined ? {} : { signal };

  const rawFormats: string[] = [];
  const rawPath = work.file("raw.delta");
  const rawDeltaSize = await writeDelta(
    rawPath,
    new Uint8Array(0),
    inner.encode(source, streamFile(target.path), {
      targetSize: target.size,
      onFormat: (format) => rawFormats.push(format),
      ...withSignal,
    }),
  );
  const raw = (
    reason: NonNullable<ArchiveEncodeReport["reason"]>,
    extra: Partial<ArchiveEncodeReport>,
  ): ChosenDelta => ({
    path: rawPath,
    formats: rawFormats,
    report: {
      container,
      chosen: "raw",
      reason,
      rawDeltaSize,
      streams: 0,
      keptCompressed: 0,
      ...extra,
    },
  });

  const targetSource = await openFileSource(target.path);
  let targetExpansion: Awaited<ReturnType<typeof expandArchive>>;
  try {
    targetExpansion = await expandArchive(targetSource, work.file("target.x"), {
      search: true,
      maxExpandedSize,
      ...withSignal,
    });
  } finally {
    await targetSource.close();
  }
  const counts = {
    streams: targetExpansion.streams,
    keptCompressed: targetExpansion.keptCompressed,
    expandedTargetSize: targetExpansion.expandedSize,
  };
  if (targetExpansion.streams === 0) return raw("no-reproducible-streams", counts);
  if (targetExpansion.segments.length > MAX_SEGMENTS) return raw("too-many-segments", counts);

  throwIfAborted(signal);
  const referencePath = work.file("reference.x");
  const referenceExpansion = await expandArchive(source, referencePath, {
    search: false,
    maxExpandedSize,
    ...withSignal,
  });
  const header: ArchiveDeltaHeader = {
    container,
    targetSize: target.size,
    targetSha256: target.sha256,
    referenceSize: source.size,
    referenceLimit: maxExpandedSize,
    expandedReferenceSize: referenceExpansion.expandedSize,
    expandedReferenceSha256: await sha256OfFile(referencePath),
    engine: deflateEngineName(),
    segments: targetExpansion.segments,
  };
  const sizes = { ...counts, expandedReferenceSize: referenceExpansion.expandedSize };
  const referenceStreams = deflateSegmentsOf(referenceExpansion.segments);

  const archivePath = work.file("archive.delta");
  const expandedReference = await openFileSource(referencePath);
  try {
    const archiveDeltaSize = await writeDelta(
      archivePath,
      encodeArchiveDeltaHeader(header, referenceStreams),
      inner.encode(expandedReference, streamFile(work.file("target.x")), {
        targetSize: targetExpansion.expandedSize,
        ...withSignal,
      }),
    );
    if (archiveDeltaSize >= rawDeltaSize) {
      return raw("raw-smaller", { ...sizes, archiveDeltaSize });
    }
    const expanded = { source: expandedReference, streams: referenceStreams };
    if (!(await decodesToTarget(inner, expanded, archivePath, signal))) {
      return raw("verification-failed", { ...sizes, archiveDeltaSize });
    }
    return {
      path: archivePath,
      formats: [ARCHIVE_DELTA_FORMAT],
      report: { container, chosen: "archive", rawDeltaSize, archiveDeltaSize, ...sizes },
    };
  } finally {
    await expandedReference.close();
  }
}

/** Decode our own archive delta (rebuild checks the target's SHA-256) without keeping it. */
async function decodesToTarget(
  inner: DeltaCodec,
  expandedReference: ExpandedReference,
  archivePath: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const reader = createByteReader(streamFile(archivePath));
  try {
    const header = resolveArchiveDeltaHeader(
      await readArchiveDeltaHeader(reader),
      expandedReference.streams,
    );
    const rebuilt = decodeWithExpandedReference(
      inner,
      expandedReference.source,
      header,
      reader.rest(),
      signal,
    );
    for await (const _chunk of rebuilt) throwIfAborted(signal);
    return true;
  } catch (error) {
    if (signal?.aborted === true || (isDgError(error) && error.code === "CANCELLED")) throw error;
    // Any failure to reproduce the target, whatever its kind, means the raw delta is kept.
    return false;
  } finally {
    await reader.close();
  }
}
