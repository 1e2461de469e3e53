import { InvalidArgumentError, throwIfAborted } from "@dg/core";
import type { ByteStream, RandomAccessSource } from "@dg/core";
import { SECONDARY_LZMA, VCD_DECOMPRESS, VCDIFF_MAGIC } from "../vcdiff/header.js";
import { createSourceBlockCache } from "./block-cache.js";
import { createInstructionList } from "./instruction-list.js";
import { SOURCE_HASH } from "./rolling-hash.js";
import { createShortIndex } from "./short-index.js";
import { buildSourceIndex, sourceIndexParams } from "./source-index.js";
import type { MatcherParams } from "./window-matcher.js";
import type { SecondaryCompression, SecondaryEncoder } from "./secondary.js";
import { createSecondaryEncoder } from "./secondary.js";
import { createWindowMatcher } from "./window-matcher.js";
import { createWindowWriter } from "./window-writer.js";

/** Options of the built-in VCDIFF encoder. All have defaults tuned for release archives. */
export interface EncodeVcdiffOptions {
  readonly signal?: AbortSignal;
  /** Target window size in bytes (default 8 MiB). */
  readonly windowSize?: number;
  /** Size of the target when known: a smaller target gets a smaller window buffer. */
  readonly targetSize?: number;
  /** Bytes of source cached in memory (default 64 MiB). */
  readonly cacheBytes?: number;
  /** log2 of the most source index slots (default 25 up to 128 MiB, 24 beyond: 8-byte slots). */
  readonly maxIndexBits?: number;
  /** Smallest mean distance between indexed source anchors (default 8 up to 32 MiB, then 3). */
  readonly minSpacing?: number;
  /**
   * Secondary compression of the windows' sections (default `lzma`, as `xdelta3 -S lzma`
   * writes it; `xdelta3 -d` and every version of our decoder read it). `none` writes plain
   * RFC 3284 sections, for decoders without secondary compression.
   */
  readonly secondary?: SecondaryCompression;
  /** Overrides of the match search tuning. */
  readonly matcher?: Partial<MatcherParams>;
}

const DEFAULT_WINDOW = 8 << 20;
const MIN_WINDOW = 1 << 16;
const CACHE_BLOCK_BITS = 16;
/** Up to this size the source is indexed more sparsely (faster; the loss is small there). */
const SMALL_SOURCE = 32 << 20;
/** Up to this size the index may take 256 MiB. */
const DENSE_INDEX_MAX_SOURCE = 128 << 20;
/** Blocks read after a missing one in the same read: matches run forward. */
const READ_AHEAD_BLOCKS = 7;

/**
 * The short-match index: one 12-byte fingerprint every 16 source bytes, in at most 2^21 slots
 * (16 MiB), so up to 32 MiB of source at that step and 64 MiB at 32; none beyond. Measured on
 * real release pairs: a step of 8 (twice the memory) gains 0.3%, 4 under 0.5%.
 */
const SHORT_STEP = 16;
const SHORT_MAX_BITS = 21;
const SHORT_MAX_STEP = 32;

/** `minGain` when the sections are LZMA-compressed. */
const LZMA_MIN_GAIN = 4;

const DEFAULT_MATCHER: MatcherParams = {
  minMatch: 4,
  selfChain: 16,
  selfHashBits: 18,
  selfChainBits: 18,
  longEnough: 256,
  lazyBelow: 32,
  minGain: 1,
};

/**
 * Encode `target` against `source` as VCDIFF (RFC 3284, default code table, an Adler-32 per
 * window as `xdelta3` writes it). The target is read once as a stream and encoded window by
 * window; the source is indexed once, by position reads, and matched anywhere in its length.
 * The output decodes with `xdelta3 -d -s SOURCE`, and is deterministic as long as no more than
 * four encodes compress sections at once in the process (a fifth writes plain sections until
 * one of them ends: see `secondary.ts`).
 *
 * @example
 * ```ts
 * const source = await openFileSource("v1.zip");
 * for await (const chunk of encodeVcdiff(source, createReadStream("v2.zip"))) out.write(chunk);
 * ```
 */
export async function* encodeVcdiff(
  source: RandomAccessSource,
  target: ByteStream,
  options: EncodeVcdiffOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  throwIfAborted(signal);
  const windowSize = Math.max(MIN_WINDOW, options.windowSize ?? DEFAULT_WINDOW);
  // With secondary compression literal bytes cost less, so a COPY must gain more to be worth
  // its instruction and address (measured: minGain 4 makes LZMA deltas of real release pairs
  // 2.5% smaller; without secondary compression 1 stays best).
  const matcherParams: MatcherParams = {
    ...DEFAULT_MATCHER,
    minGain: options.secondary === "none" ? DEFAULT_MATCHER.minGain : LZMA_MIN_GAIN,
    ...options.matcher,
  };
  if (!(matcherParams.minMatch >= 4)) {
    throw new InvalidArgumentError(`minMatch must be at least 4, got ${matcherParams.minMatch}`, {
      hint: "Matches shorter than 4 bytes cost more to encode than they save.",
    });
  }

  const compression = options.secondary ?? "lzma";
  if (compression !== "lzma" && compression !== "none") {
    throw new InvalidArgumentError(`Unknown secondary compression: ${String(compression)}`, {
      hint: "Use lzma or none.",
    });
  }
  const secondary: SecondaryEncoder | undefined =
    compression === "lzma" ? await createSecondaryEncoder() : undefined;
  try {
    yield* encodeWindows(source, target, options, matcherParams, windowSize, secondary);
  } finally {
    secondary?.dispose();
  }
}

async function* encodeWindows(
  source: RandomAccessSource,
  target: ByteStream,
  options: EncodeVcdiffOptions,
  matcherParams: MatcherParams,
  windowSize: number,
  secondary: SecondaryEncoder | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  // Hdr_Indicator, then the compressor's id when the sections may be compressed.
  yield secondary === undefined
    ? Uint8Array.of(...VCDIFF_MAGIC, 0)
    : Uint8Array.of(...VCDIFF_MAGIC, VCD_DECOMPRESS, SECONDARY_LZMA);

  const cache = createSourceBlockCache(source, {
    blockBits: CACHE_BLOCK_BITS,
    capacityBytes: options.cacheBytes ?? 64 << 20,
  });
  // Denser anchors find more (and longer) matches; the table grows with the source up to
  // 256 MiB for sources up to 128 MiB, 128 MiB beyond, where the anchors thin out instead.
  const large = source.size > DENSE_INDEX_MAX_SOURCE;
  const indexParams = sourceIndexParams(
    source.size,
    {
      minSpacing: options.minSpacing ?? (source.size > SMALL_SOURCE ? 3 : 8),
      maxTableBits: options.maxIndexBits ?? (large ? 24 : 25),
    },
    SOURCE_HASH,
  );
  // Short matches are only sought in source blocks in memory: worth an index only for sources
  // the cache holds whole.
  const cacheBytes = options.cacheBytes ?? 64 << 20;
  const short =
    source.size <= cacheBytes
      ? createShortIndex(source.size, {
          minStep: SHORT_STEP,
          maxBits: SHORT_MAX_BITS,
          maxStep: SHORT_MAX_STEP,
        })
      : undefined;
  const index = await buildSourceIndex(source, indexParams, cache, signal, short);
  const list = createInstructionList();
  const matcher = createWindowMatcher(index, cache, list, matcherParams);
  const writer = createWindowWriter(secondary);

  // The window buffer starts small when the target is small or of unknown size, and grows.
  const known = options.targetSize;
  let window = new Uint8Array(
    known !== undefined ? Math.max(1, Math.min(windowSize, known)) : Math.min(windowSize, 1 << 20),
  );
  let filled = 0;
  let windowStart = 0;

  async function* flush(): AsyncGenerator<Uint8Array, void, undefined> {
    matcher.begin(window, filled, windowStart);
    for (let need = matcher.run(); need >= 0; need = matcher.run()) {
      throwIfAborted(signal);
      await cache.load(need, READ_AHEAD_BLOCKS);
    }
    yield writer.write(list, window, filled);
    windowStart += filled;
    filled = 0;
  }

  for await (const chunk of target) {
    throwIfAborted(signal);
    let at = 0;
    while (at < chunk.length) {
      if (filled === window.length && window.length < windowSize) {
        const bigger = new Uint8Array(Math.min(windowSize, window.length * 2));
        bigger.set(window);
        window = bigger;
      }
      const take = Math.min(chunk.length - at, window.length - filled);
      window.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === windowSize) yield* flush();
    }
  }
  // An empty target still gets one (empty) window: xdelta3 refuses a delta without any.
  if (filled > 0 || windowStart === 0) yield* flush();
}
