import type {
  ByteStream,
  DeltaCodec,
  DeltaDecodeOptions,
  DeltaEncodeOptions,
  DeltaTarget,
  RandomAccessSource,
  ScratchBlob,
  ScratchSpace,
} from "@dg/core";
import { hasCode, IntegrityError, InvalidArgumentError, isReplayableTarget, spool } from "@dg/core";
import type { TempDir } from "@dg/node";
import { createFsScratchSpace, createTempDir, openFileSource, streamFile } from "@dg/node";
import { createByteReader, peekStream } from "./byte-reader.js";
import { DETECT_BYTES, detectContainer } from "./container.js";
import { decodeArchiveDelta, readArchiveDeltaHeader } from "./decode-archive.js";
import { ARCHIVE_DELTA_MAGIC, isArchiveDelta } from "./delta-header.js";
import type { DeflatePool } from "./deflate-pool.js";
import { createDeflatePool } from "./deflate-pool.js";
import type { ArchiveEncodeReport } from "./encode-archive.js";
import { encodeArchive } from "./encode-archive.js";
import { createSettingsMemory } from "./stream-search.js";
import { writeStreamToFile } from "./temp-files.js";

/** Options of {@link createArchiveCodec}. */
export interface ArchiveCodecOptions {
  /** The codec that makes the actual deltas (the VCDIFF codec). */
  readonly inner: DeltaCodec;
  /** Where temporary files go (expanded archives, spooled targets); default `os.tmpdir()`. */
  readonly tempDir?: string;
  /**
   * Largest expanded form (container bytes plus inflated streams) an archive may have; streams
   * that would pass it stay compressed. Default 64 GiB. Decoding needs at least the expanded
   * size a delta records.
   */
  readonly maxExpandedSize?: number;
  /**
   * Worker threads that search settings and deflate streams, at encode and decode; default
   * the machine's available parallelism. 0 runs that work on the calling thread.
   */
  readonly workers?: number;
  /** Told what each encode of an archive did (which deltas were made and why, sizes). */
  readonly onEncodeReport?: (report: ArchiveEncodeReport) => void;
}

const DEFAULT_MAX_EXPANDED = 64 * 1024 ** 3;

/**
 * A `DeltaCodec` that makes zip-family and gzip files delta as well as their contents would
 * (`dg-archive/2`, see FORMAT.md): streams the reference already has are copied from it,
 * the others are inflated when zlib settings reproduce them byte for byte and deflated again
 * on decode, on worker threads. An archive-aware delta is checked by decoding it before it
 * is returned, and reported through `onFormat`. Anything that is not an archive, and every
 * delta without the archive magic, goes straight to `inner`; `dg-archive/1` deltas are read.
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
  const workers = options.workers;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) {
    throw new InvalidArgumentError(`workers must be a non-negative integer, got ${workers}`);
  }
  let pool: DeflatePool | undefined;
  return createArchiveCodecWithPool(options, () => {
    pool ??= createDeflatePool(workers === undefined ? {} : { size: workers });
    return pool;
  });
}

/** {@link createArchiveCodec} with the pool it runs deflate work on (tests substitute it). */
export function createArchiveCodecWithPool(
  options: ArchiveCodecOptions,
  pool: () => DeflatePool,
): DeltaCodec {
  const { inner } = options;
  // The settings of the last files encoded: the next file is likely made by the same tool.
  const settings = createSettingsMemory();
  const maxExpandedSize = options.maxExpandedSize ?? DEFAULT_MAX_EXPANDED;
  if (!Number.isSafeInteger(maxExpandedSize) || maxExpandedSize < 0) {
    throw new InvalidArgumentError(
      `maxExpandedSize must be a non-negative integer, got ${maxExpandedSize}`,
      { hint: "Pass a size in bytes, such as 64 * 1024 ** 3 for 64 GiB." },
    );
  }

  /** The target by position (spooled into `work` when it is a one-shot stream). */
  async function targetByPosition(
    target: DeltaTarget,
    work: TempDir,
    signal: AbortSignal | undefined,
  ): Promise<{ source: RandomAccessSource; sha256?: string; again: DeltaTarget }> {
    if (isReplayableTarget(target)) {
      const source = await target.openRandomAccess(signal === undefined ? {} : { signal });
      return {
        source,
        ...(target.sha256 === undefined ? {} : { sha256: target.sha256 }),
        again: target,
      };
    }
    const spooled = await writeStreamToFile(target, work.file("target"), signal);
    const source = await openFileSource(spooled.path);
    const again = {
      size: source.size,
      open: () => streamFile(spooled.path),
      openRandomAccess: () => openFileSource(spooled.path),
    };
    return { source, sha256: spooled.sha256, again };
  }

  async function encodeToScratch(
    source: RandomAccessSource,
    target: DeltaTarget,
    scratch: ScratchSpace,
    encodeOptions: DeltaEncodeOptions = {},
  ): Promise<ScratchBlob> {
    const signal = encodeOptions.signal;
    // A new reference's own delta: nothing to gain from the streams, and every reader reads
    // the inner codec's plain delta.
    if (encodeOptions.zeroDiff === true) {
      return spool(scratch, inner.encode(source, target, encodeOptions), encodeOptions);
    }
    let stream: ByteStream | undefined;
    if (isReplayableTarget(target)) {
      const head = await target.openRandomAccess(signal === undefined ? {} : { signal });
      let container: ReturnType<typeof detectContainer>;
      try {
        container = detectContainer(await head.read(0, DETECT_BYTES));
      } finally {
        await head.close();
      }
      if (container === undefined)
        return spool(scratch, inner.encode(source, target, encodeOptions), encodeOptions);
    } else {
      const peeked = await peekStream(target, DETECT_BYTES);
      if (detectContainer(peeked.head) === undefined) {
        return spool(scratch, inner.encode(source, peeked.stream, encodeOptions), encodeOptions);
      }
      stream = peeked.stream;
    }
    const work = await createTempDir({ directory: options.tempDir, suffix: ".archive" });
    try {
      const opened = await targetByPosition(stream ?? target, work, signal);
      try {
        const container = detectContainer(await opened.source.read(0, DETECT_BYTES));
        if (container === undefined)
          throw new InvalidArgumentError("the target changed while it was read");
        const chosen = await encodeArchive({
          inner,
          pool: pool(),
          reference: source,
          target: opened.source,
          rawTarget: opened.again,
          ...(opened.sha256 === undefined ? {} : { expectedSha256: opened.sha256 }),
          container,
          work,
          scratch,
          maxExpandedSize,
          signal,
          settings,
        });
        options.onEncodeReport?.(chosen.report);
        for (const format of chosen.formats) encodeOptions.onFormat?.(format);
        return chosen.blob;
      } finally {
        await opened.source.close();
      }
    } finally {
      await work.dispose();
    }
  }

  async function* encode(
    source: RandomAccessSource,
    target: DeltaTarget,
    encodeOptions: DeltaEncodeOptions = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    // The chosen delta is written once, to a temp file of its own, and streamed from there.
    const scratch = createFsScratchSpace(
      options.tempDir === undefined ? {} : { directory: options.tempDir },
    );
    const blob = await encodeToScratch(source, target, scratch, encodeOptions);
    try {
      yield* blob.open(encodeOptions);
    } finally {
      await blob.dispose();
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
      yield* decodeArchiveDelta({
        inner,
        pool: pool(),
        reference: source,
        header,
        innerDelta: reader.rest(),
        work,
        maxExpandedSize,
        signal: decodeOptions.signal,
      });
    } catch (error) {
      throw withDamagedHint(error);
    } finally {
      await reader.close();
      await work.dispose();
    }
  }

  return { name: `archive+${inner.name}`, encode, encodeToScratch, decode };
}

/** An archive delta's own integrity errors say what to do, as the VCDIFF decoder's do. */
function withDamagedHint(error: unknown): unknown {
  if (!hasCode(error, "INTEGRITY") || error.hint !== undefined) return error;
  return new IntegrityError(error.message, {
    cause: error,
    hint: "The delta is damaged or was not made against this reference; download it again, or store the file again.",
  });
}
