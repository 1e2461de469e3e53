import type {
  ByteStream,
  DeltaCodec,
  DeltaDecodeOptions,
  DeltaEncodeOptions,
  RandomAccessSource,
} from "@dg/core";
import { hasCode, IntegrityError, InvalidArgumentError } from "@dg/core";
import { createTempDir, streamFile } from "@dg/node";
import { createByteReader, peekStream } from "./byte-reader.js";
import { DETECT_BYTES, detectContainer } from "./container.js";
import { decodeArchiveDelta, readArchiveDeltaHeader } from "./decode-archive.js";
import { ARCHIVE_DELTA_MAGIC, isArchiveDelta } from "./delta-header.js";
import type { ArchiveEncodeReport } from "./encode-archive.js";
import { chooseDelta } from "./encode-archive.js";
import { writeStreamToFile } from "./temp-files.js";

/** Options of {@link createArchiveCodec}. */
export interface ArchiveCodecOptions {
  /** The codec that makes the actual deltas (the VCDIFF codec). */
  readonly inner: DeltaCodec;
  /** Where temporary files go (expanded archives, spooled targets); default `os.tmpdir()`. */
  readonly tempDir?: string;
  /**
   * Largest expanded form (container bytes plus inflated streams) an archive may have; streams
   * that would pass it stay compressed. Default 64 GiB. Recorded in each delta: decoding needs
   * at least the recorded value.
   */
  readonly maxExpandedSize?: number;
  /** Told what each encode of an archive did (which delta won, sizes, streams). */
  readonly onEncodeReport?: (report: ArchiveEncodeReport) => void;
}

const DEFAULT_MAX_EXPANDED = 64 * 1024 ** 3;

/**
 * A `DeltaCodec` that makes zip-family and gzip files delta as well as their contents would:
 * deflate streams that zlib settings reproduce byte for byte are inflated on both sides
 * before the inner codec runs, and deflated again on decode. Each encode also makes the
 * plain inner delta and keeps the smaller; an archive-aware delta is checked by decoding it
 * before it is returned, and reported through `onFormat` as `dg-archive/1`. Anything that is
 * not an archive, and every delta without the archive magic, goes straight to `inner`.
 *
 * @example
 * ```ts
 * import { createArchiveCodec } from "@dg/archive";
 * import { createNativeXdeltaCodec } from "@dg/xdelta";
 *
 * const codec = createArchiveCodec({ inner: createNativeXdeltaCodec() });
 * const delta = codec.encode(reference, createReadStream("app-1.1.jar"), {
 *   onFormat: (format) => (metadata["dg-delta-format"] = format),
 * });
 * ```
 */
export function createArchiveCodec(options: ArchiveCodecOptions): DeltaCodec {
  const { inner } = options;
  const maxExpandedSize = options.maxExpandedSize ?? DEFAULT_MAX_EXPANDED;
  if (!Number.isSafeInteger(maxExpandedSize) || maxExpandedSize < 0) {
    throw new InvalidArgumentError(
      `maxExpandedSize must be a non-negative integer, got ${maxExpandedSize}`,
      { hint: "Pass a size in bytes, such as 64 * 1024 ** 3 for 64 GiB." },
    );
  }

  async function* encode(
    source: RandomAccessSource,
    target: ByteStream,
    encodeOptions: DeltaEncodeOptions = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const peeked = await peekStream(target, DETECT_BYTES);
    const container = detectContainer(peeked.head);
    if (container === undefined) {
      yield* inner.encode(source, peeked.stream, encodeOptions);
      return;
    }
    const signal = encodeOptions.signal;
    const work = await createTempDir({ directory: options.tempDir, suffix: ".archive" });
    try {
      const spooled = await writeStreamToFile(peeked.stream, work.file("target"), signal);
      const chosen = await chooseDelta({
        inner,
        source,
        target: spooled,
        container,
        work,
        maxExpandedSize,
        signal,
      });
      options.onEncodeReport?.(chosen.report);
      for (const format of chosen.formats) encodeOptions.onFormat?.(format);
      yield* streamFile(chosen.path);
    } finally {
      await work.dispose();
    }
  }

  async function* decode(
    source: RandomAccessSource,
    delta: ByteStream,
    decodeOptions: DeltaDecodeOptions = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const peeked = await peekStream(delta, ARCHIVE_DELTA_MAGIC.length);
    if (!isArchiveDelta(peeked.head)) {
      yield* inner.decode(source, peeked.stream, decodeOptions);
      return;
    }
    const reader = createByteReader(peeked.stream);
    const work = await createTempDir({ directory: options.tempDir, suffix: ".archive" });
    try {
      const header = await readArchiveDeltaHeader(reader);
      yield* decodeArchiveDelta(
        inner,
        source,
        header,
        reader.rest(),
        work,
        maxExpandedSize,
        decodeOptions.signal,
      );
    } catch (error) {
      throw withDamagedHint(error);
    } finally {
      await reader.close();
      await work.dispose();
    }
  }

  return { name: `archive+${inner.name}`, encode, decode };
}

/** An archive delta's own integrity errors say what to do, as the VCDIFF decoder's do. */
function withDamagedHint(error: unknown): unknown {
  if (!hasCode(error, "INTEGRITY") || error.hint !== undefined) return error;
  return new IntegrityError(error.message, {
    cause: error,
    hint: "The delta is damaged or was not made against this reference; download it again, or store the file again.",
  });
}
