import { pipeline, Readable } from "node:stream";
import { createGunzip, createGzip } from "node:zlib";
import type { RandomAccessSource } from "@dg/core";
import { IntegrityError, UnsupportedError } from "@dg/core";
import type { ExternalCompression } from "./app-header.js";
import type { DeltaInput } from "./delta-input.js";
import { decodeWindows } from "./decode-windows.js";
import type { VcdiffHeader } from "./file-header.js";
import type { DecodeVcdiffOptions } from "./options.js";
import { DEFAULT_MAX_IN_MEMORY_SOURCE } from "./options.js";
import { foreign, toDecodeError } from "./errors.js";
import { collectToScratchSource } from "./scratch-source.js";
import { loadLiblzma } from "./secondary.js";

const RECOVERY_HINT =
  "Pass recoverExternalCompression: true to rebuild an equivalent (decompressed-equal, not " +
  "byte-identical) file, or rebuild it with `xdelta3 -d` and compare the decompressed content.";

/** The external compressors xdelta3 ran, per side, or `undefined` for a plain delta. */
export function externalCompressionOf(
  header: VcdiffHeader,
): { readonly target?: ExternalCompression; readonly source?: ExternalCompression } | undefined {
  const app = header.xdelta3;
  if (app === undefined) return undefined;
  if (app.targetCompression === undefined && app.sourceCompression === undefined) return undefined;
  return {
    ...(app.targetCompression === undefined ? {} : { target: app.targetCompression }),
    ...(app.sourceCompression === undefined ? {} : { source: app.sourceCompression }),
  };
}

/**
 * The error for a delta that xdelta3 made over content it decompressed itself.
 */
export function externalCompressionError(header: VcdiffHeader): UnsupportedError {
  const ext = externalCompressionOf(header);
  const sides = [
    ext?.target && `the target (${ext.target})`,
    ext?.source && `the source (${ext.source})`,
  ].filter((x): x is string => typeof x === "string");
  return new UnsupportedError(
    `This delta was made by xdelta3 over decompressed content (its external recompression ` +
      `decompressed ${sides.join(" and ")} before encoding), so the original bytes cannot be ` +
      `rebuilt from it`,
    { hint: RECOVERY_HINT },
  );
}

/**
 * Recovery mode: decode against the decompressed source, then re-compress the output with
 * the compressor xdelta3 used. gzip (node:zlib) and xz (liblzma) work both ways; bzip2 and
 * compress are not available and give `UnsupportedError`.
 */
export async function* decodeWithRecovery(
  source: RandomAccessSource,
  input: DeltaInput,
  header: VcdiffHeader,
  options: DecodeVcdiffOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const ext = externalCompressionOf(header) ?? {};
  if (ext.target !== undefined && ext.target !== "gzip" && ext.target !== "xz") {
    throw new UnsupportedError(
      `This delta was made by xdelta3 over decompressed content, and its output must be ` +
        `re-compressed with ${ext.target}, which is not available here`,
      { hint: "Decode it with `xdelta3 -d` (DG_DELTA_ENGINE=xdelta3)." },
    );
  }
  if (ext.source !== undefined && ext.source !== "gzip" && ext.source !== "xz") {
    throw new UnsupportedError(
      `This delta was made by xdelta3 against a ${ext.source}-decompressed source, and ` +
        `${ext.source} decompression is not available here`,
      { hint: "Decode it with `xdelta3 -d` (DG_DELTA_ENGINE=xdelta3)." },
    );
  }
  const scratch =
    ext.source === undefined
      ? undefined
      : await collectToScratchSource(
          decompress(ext.source, readSequentially(source)),
          options.maxInMemorySource ?? DEFAULT_MAX_IN_MEMORY_SOURCE,
          options.tempDir,
        ).catch((error: unknown) => {
          const mapped = toDecodeError(error);
          if (mapped !== error && mapped instanceof IntegrityError) {
            throw new IntegrityError(`The source is not valid ${ext.source} data`, {
              cause: error,
              hint: "The delta was made against the decompressed source: check the source.",
            });
          }
          throw mapped;
        });
  try {
    // Re-compressed output cannot have the original file's size: expectedSize then applies to
    // nothing (the decompressed size is not known to the caller).
    const { expectedSize: _ignored, ...withoutSize } = options;
    const windows = decodeWindows(
      scratch ?? source,
      input,
      header,
      ext.target === undefined ? options : withoutSize,
    );
    if (ext.target === undefined) {
      await foreign(() =>
        options.onWarning?.({
          code: "external-source-decompressed",
          message:
            "The delta was made against the decompressed source; decoded against the " +
            `${ext.source}-decompressed source (the output is exact).`,
        }),
      );
      yield* windows;
      return;
    }
    await foreign(() =>
      options.onWarning?.({
        code: "external-recompression",
        message:
          "The delta was made by xdelta3 over decompressed content; the output was re-compressed " +
          `with ${ext.target} and is NOT byte-identical to the original file (its decompressed ` +
          "content is).",
      }),
    );
    if (ext.target === "gzip") yield* throughNodeTransform(windows, createGzip());
    else yield* await throughWebTransform(windows, "compress");
  } finally {
    await scratch?.dispose();
  }
}

async function* readSequentially(source: RandomAccessSource): AsyncGenerator<Uint8Array> {
  const piece = 1024 * 1024;
  for (let position = 0; position < source.size; position += piece) {
    const bytes = await foreign(() =>
      source.read(position, Math.min(piece, source.size - position)),
    );
    if (bytes.length === 0) break;
    yield bytes.slice();
  }
}

async function* decompress(
  kind: ExternalCompression,
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (kind === "gzip") yield* throughNodeTransform(chunks, createGunzip());
  else yield* await throughWebTransform(chunks, "decompress");
}

/** Run chunks through liblzma's xz (preset 6, as `xz -c`) or unxz. */
async function throughWebTransform(
  chunks: AsyncIterable<Uint8Array>,
  direction: "compress" | "decompress",
): Promise<AsyncIterable<Uint8Array>> {
  const { createUnxz, createXz } = await loadLiblzma();
  const iterator = chunks[Symbol.asyncIterator]();
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done === true) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const transform = direction === "compress" ? createXz({ preset: 6 }) : createUnxz();
  return input.pipeThrough(transform) as unknown as AsyncIterable<Uint8Array>;
}

/** Run chunks through a zlib transform; errors on either side surface while iterating. */
function throughNodeTransform(
  chunks: AsyncIterable<Uint8Array>,
  transform: NodeJS.ReadWriteStream,
): AsyncIterable<Uint8Array> {
  return pipeline(Readable.from(chunks, { objectMode: false }), transform, () => {
    // Errors reach the consumer through the transform's iterator.
  }) as unknown as AsyncIterable<Uint8Array>;
}
