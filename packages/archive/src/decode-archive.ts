import type { ByteStream, DeltaCodec, RandomAccessSource } from "@dg/core";
import { IntegrityError, UnsupportedError } from "@dg/core";
import { openFileSource } from "@dg/node";
import type { TempDir } from "@dg/node";
import type { ByteReader } from "./byte-reader.js";
import type { ArchiveDeltaHeader, ParsedArchiveDeltaHeader } from "./delta-header.js";
import {
  PREAMBLE_BYTES,
  parseArchiveDeltaBody,
  parsePreamble,
  resolveArchiveDeltaHeader,
} from "./delta-header.js";
import { expandArchive } from "./expand.js";
import { rebuildTarget } from "./rebuild.js";
import type { DeflateSegment } from "./segments.js";
import { deflateSegmentsOf } from "./segments.js";
import { sha256OfFile } from "./temp-files.js";

/**
 * Read an archive delta's header from `reader` (positioned at the magic); the reader is left
 * at the first byte of the inner delta.
 */
export async function readArchiveDeltaHeader(
  reader: ByteReader,
): Promise<ParsedArchiveDeltaHeader> {
  const preamble = await reader.read(PREAMBLE_BYTES);
  const bodyLength = parsePreamble(preamble);
  const body = await reader.read(bodyLength + 4);
  if (body.length !== bodyLength + 4) throw new IntegrityError("archive delta: header truncated");
  return parseArchiveDeltaBody(body);
}

/** The expanded reference, and its deflate streams (which the header's segments may name). */
export interface ExpandedReference {
  readonly source: RandomAccessSource;
  readonly streams: readonly DeflateSegment[];
}

/**
 * Expand `source` as the header says the reference was expanded, into `path`, and check that
 * it came out the same (size and SHA-256).
 */
export async function expandReferenceAsRecorded(
  source: RandomAccessSource,
  header: ParsedArchiveDeltaHeader,
  path: string,
  maxExpandedSize: number,
  signal: AbortSignal | undefined,
): Promise<ExpandedReference> {
  if (source.size !== header.referenceSize) {
    throw new IntegrityError("archive delta: it was made against a different reference", {
      hint: "The reference changed since the delta was written.",
    });
  }
  if (header.referenceLimit > maxExpandedSize || header.expandedReferenceSize > maxExpandedSize) {
    throw new UnsupportedError(
      `archive delta needs ${header.expandedReferenceSize} bytes of temporary space, more than the configured ${maxExpandedSize}`,
      { hint: "Raise maxExpandedSize of the archive codec." },
    );
  }
  const expansion = await expandArchive(source, path, {
    search: false,
    maxExpandedSize: header.referenceLimit,
    ...(signal === undefined ? {} : { signal }),
  });
  if (
    expansion.expandedSize !== header.expandedReferenceSize ||
    (await sha256OfFile(path)) !== header.expandedReferenceSha256
  ) {
    throw new IntegrityError("archive delta: the reference does not expand as recorded", {
      hint: "The reference differs from the one the delta was made against.",
    });
  }
  return { source: await openFileSource(path), streams: deflateSegmentsOf(expansion.segments) };
}

/**
 * Rebuild the target from the inner delta, given the already expanded reference.
 *
 * @example
 * ```ts
 * yield* decodeWithExpandedReference(inner, expandedRef, header, reader.rest(), signal);
 * ```
 */
export function decodeWithExpandedReference(
  inner: DeltaCodec,
  expandedReference: RandomAccessSource,
  header: ArchiveDeltaHeader,
  innerDelta: ByteStream,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  const expanded = inner.decode(
    expandedReference,
    innerDelta,
    signal === undefined ? {} : { signal },
  );
  return rebuildTarget(expanded, header, signal);
}

/**
 * Decode a whole archive delta whose header has been read: expand the reference in `work`,
 * run the inner decoder, rebuild.
 */
export async function* decodeArchiveDelta(
  inner: DeltaCodec,
  source: RandomAccessSource,
  parsed: ParsedArchiveDeltaHeader,
  innerDelta: ByteStream,
  work: TempDir,
  maxExpandedSize: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  const expanded = await expandReferenceAsRecorded(
    source,
    parsed,
    work.file("reference.x"),
    maxExpandedSize,
    signal,
  );
  try {
    const header = resolveArchiveDeltaHeader(parsed, expanded.streams);
    yield* decodeWithExpandedReference(inner, expanded.source, header, innerDelta, signal);
  } finally {
    await expanded.source.close();
  }
}
