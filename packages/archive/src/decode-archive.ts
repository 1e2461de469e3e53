import type { ByteStream, DeltaCodec, RandomAccessSource } from "@dg/core";
import { IntegrityError, UnsupportedError } from "@dg/core";
import type { TempDir } from "@dg/node";
import { openFileSource } from "@dg/node";
import type { ByteReader } from "./byte-reader.js";
import type { ParsedHeaderV1 } from "./delta-header.js";
import {
  openHeaderBody,
  PREAMBLE_BYTES,
  parseHeaderV1,
  parsePreamble,
  resolveHeaderV1,
} from "./delta-header.js";
import type { DeflatePool } from "./deflate-pool.js";
import { expandArchive } from "./expand.js";
import { expandRecordedReference } from "./expanded-reference.js";
import type { ArchiveDeltaHeaderV2 } from "./header-v2.js";
import { parseHeaderV2 } from "./header-v2.js";
import { decodeInnerDelta } from "./inner-delta.js";
import { rebuildTarget, rebuildWorkers } from "./rebuild.js";
import { deflateSegmentsOf } from "./segments.js";
import { sha256OfFile } from "./temp-files.js";

/** A header as read, version 1 or 2. */
export type ParsedArchiveHeader = ParsedHeaderV1 | (ArchiveDeltaHeaderV2 & { readonly version: 2 });

/**
 * Read an archive delta's header from `reader` (positioned at the magic); the reader is left
 * at the first byte of the inner delta.
 */
export async function readArchiveDeltaHeader(reader: ByteReader): Promise<ParsedArchiveHeader> {
  const { version, bodyLength } = parsePreamble(await reader.read(PREAMBLE_BYTES));
  const body = await reader.read(bodyLength + 4);
  if (body.length !== bodyLength + 4) throw new IntegrityError("archive delta: header truncated");
  if (version === 1) return openHeaderBody(body, parseHeaderV1);
  return { version: 2, ...openHeaderBody(body, parseHeaderV2) };
}

/** What decoding an archive delta needs besides the delta itself. */
export interface DecodeArchiveInput {
  readonly inner: DeltaCodec;
  readonly pool: DeflatePool;
  readonly reference: RandomAccessSource;
  readonly header: ParsedArchiveHeader;
  /** The inner delta: what follows the header. */
  readonly innerDelta: ByteStream;
  readonly work: TempDir;
  readonly maxExpandedSize: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Decode an archive delta whose header has been read: expand the reference as the header
 * records it (in `work`), run the inner decoder, rebuild the file.
 */
export async function* decodeArchiveDelta(
  input: DecodeArchiveInput,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { header } = input;
  if (header.version === 1) {
    yield* decodeVersion1(input, header);
    return;
  }
  // The workers load while the reference is expanded.
  if (header.segments.some((s) => s.kind === "deflate")) {
    input.pool.warm(rebuildWorkers(input.pool.size, header.segments));
  }
  const expanded = await expandRecordedReference(
    input.reference,
    header,
    input.work.file("reference.inflated"),
    input.maxExpandedSize,
    input.signal,
  );
  try {
    yield* rebuildTarget({
      expanded: decodeInnerDelta(input.inner, expanded.source, input.innerDelta, input.signal),
      segments: header.segments,
      targetSha256: header.targetSha256,
      engine: header.engine,
      reference: input.reference,
      pool: input.pool,
      signal: input.signal,
    });
  } finally {
    await expanded.close();
  }
}

/** Version 1: the whole reference expanded by the layout rules of FORMAT.md. */
async function* decodeVersion1(
  input: DecodeArchiveInput,
  header: ParsedHeaderV1,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { reference, signal } = input;
  if (reference.size !== header.referenceSize) {
    throw new IntegrityError("archive delta: it was made against a different reference", {
      hint: "The reference changed since the delta was written.",
    });
  }
  if (
    header.referenceLimit > input.maxExpandedSize ||
    header.expandedReferenceSize > input.maxExpandedSize
  ) {
    throw new UnsupportedError(
      `archive delta needs ${header.expandedReferenceSize} bytes of temporary space, more than the configured ${input.maxExpandedSize}`,
      { hint: "Raise maxExpandedSize of the archive codec." },
    );
  }
  const path = input.work.file("reference.x");
  const expansion = await expandArchive(reference, path, {
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
  const resolved = resolveHeaderV1(header, deflateSegmentsOf(expansion.segments));
  const expanded = await openFileSource(path);
  try {
    yield* rebuildTarget({
      expanded: decodeInnerDelta(input.inner, expanded, input.innerDelta, signal),
      segments: resolved.segments,
      targetSha256: resolved.targetSha256,
      engine: resolved.engine,
      reference,
      pool: input.pool,
      signal,
    });
  } finally {
    await expanded.close();
  }
}
