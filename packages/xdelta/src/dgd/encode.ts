import { createHash } from "node:crypto";
import type { ByteStream, RandomAccessSource } from "@dg/core";
import { InvalidArgumentError, throwIfAborted } from "@dg/core";
import type { StreamCompression } from "./compress.js";
import { compressStream } from "./compress.js";
import {
  ByteWriter,
  DEFAULT_WINDOW_SIZE,
  DGD_MAGIC,
  DGD_VERSION,
  MAX_WINDOW_SIZE,
  TAG_END,
  TAG_WINDOW,
  WINDOW_DIGEST_BYTES,
} from "./format.js";
import type { MatchState, ReferenceIndex } from "./matcher.js";
import { buildReferenceIndex, createWindowStreams, matchWindow } from "./matcher.js";

/** Options of `encodeDgd`. */
export interface EncodeDgdOptions {
  readonly signal?: AbortSignal;
  /** Target bytes per window (default 32 MiB, at most 64 MiB). */
  readonly windowSize?: number;
  /**
   * The most reference bytes held (and indexed) at once (default 96 MiB). A larger reference
   * is matched a region of this size at a time, the region following the target's position
   * in proportion: smaller memory, fewer matches, never a wrong delta.
   */
  readonly maxRegionBytes?: number;
  /** log2 of the most slots of the seed table (4 bytes each; default 24, 23 above 64 MiB). */
  readonly maxIndexBits?: number;
}

const MIN_WINDOW = 1 << 16;

/**
 * The entropy stage of each stream, chosen by measurement on real release pairs (npm
 * tarballs, a Go executable; sizes and CPU time summed over 22 pairs): brotli at quality 10
 * for the control stream (within 0.1% of quality 11 at half its time); xz for the diff runs,
 * whose byte patterns (an executable's shifted addresses) LZMA models best (preset 5: 0.5%
 * larger than 6 at 85% of its time; 4 was 2% larger); and for the extra
 * stream brotli's best quality while it is small (up to 32 KiB, where its cost is a few
 * milliseconds), quality 9 above: 8% larger extra streams than quality 11 or xz 6 (3.5% on
 * the deltas' sum, every pair still within 1.13x the better of bsdiff and zstd), at a fifth
 * of xz's time and a fifteenth of brotli 11's.
 */
const CONTROL_COMPRESSION: StreamCompression = { method: "brotli", quality: 10 };
const DIFF_COMPRESSION: StreamCompression = { method: "xz", preset: 5 };
const SMALL_EXTRA_COMPRESSION: StreamCompression = { method: "brotli", quality: 11 };
const LARGE_EXTRA_COMPRESSION: StreamCompression = { method: "brotli", quality: 9 };
const SMALL_EXTRA = 32 << 10;

/**
 * The diff bytes as runs: a varint count of zero bytes, a varint count of non-zero bytes,
 * those bytes; and again, to the end. Most diff bytes are zero, so this is a fraction of them.
 * The encoder writes the same runs as it finds the copies (`DiffRunWriter`); this is their
 * definition, which the tests hold it to.
 */
export function zeroRuns(diff: Uint8Array): Uint8Array {
  const out = new ByteWriter(Math.max(64, diff.length >> 3));
  const n = diff.length;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && diff[j] === 0) j++;
    let k = j;
    while (k < n && diff[k] !== 0) k++;
    out.varint(j - i);
    out.varint(k - j);
    out.bytes(diff.subarray(j, k));
    i = k;
  }
  return out.view();
}
const READ_CHUNK = 8 << 20;
/**
 * A seed every 8 bytes of the reference (on average; sparser in a region too large for the
 * table). Every 4 (as for regions up to 16 MiB before) made deltas 1.3% smaller at twice
 * the seeds, each a cache miss to insert.
 */
const SEED_SPACING = 8;
/**
 * The most reference bytes held at once by default: with the seed table, the window and its
 * streams, and the compressors' state, a 1 GB pair stays under 512 MB of peak RSS (with
 * 128 MiB and a 64 MiB table it took 536 MB).
 */
const DEFAULT_REGION = 96 << 20;
/** Regions above this size get a table of 8 Mi slots (32 MiB), their seeds sparser. */
const LARGE_REGION = 64 << 20;

async function readRegion(
  source: RandomAccessSource,
  start: number,
  bytes: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const length = bytes.length;
  let at = 0;
  while (at < length) {
    throwIfAborted(signal);
    const want = Math.min(READ_CHUNK, length - at);
    let got: number;
    if (source.readInto !== undefined) {
      got = await source.readInto(start + at, bytes, at, want);
    } else {
      const chunk = await source.read(start + at, want);
      got = Math.min(chunk.length, want);
      bytes.set(chunk.subarray(0, got), at);
    }
    if (got <= 0) break;
    at += got;
  }
  if (at !== length) {
    throw new InvalidArgumentError(
      `the reference ended after ${start + at} of ${source.size} bytes`,
      {
        hint: "The reference changed while it was read; try again.",
      },
    );
  }
  return bytes;
}

/**
 * Encode `target` as a dgd delta against `source` (see DGD-FORMAT.md): an async generator of
 * the delta's bytes. The target is read once, a window at a time; the reference is read by
 * position, at most `maxRegionBytes` of it held at once.
 *
 * @example
 * ```ts
 * const source = await openFileSource("v1.tar");
 * await pipeline(encodeDgd(source, createReadStream("v2.tar")), createWriteStream("v2.dgd"));
 * ```
 */
export async function* encodeDgd(
  source: RandomAccessSource,
  target: ByteStream,
  options: EncodeDgdOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  throwIfAborted(signal);
  const windowSize = Math.min(
    MAX_WINDOW_SIZE,
    Math.max(MIN_WINDOW, options.windowSize ?? DEFAULT_WINDOW_SIZE),
  );
  const maxRegion = Math.max(1 << 20, options.maxRegionBytes ?? DEFAULT_REGION);
  const refSize = source.size;
  const maxIndexBits =
    options.maxIndexBits ?? (Math.min(refSize, maxRegion) > LARGE_REGION ? 23 : 24);

  const header = new ByteWriter(32);
  header.bytes(Uint8Array.from(DGD_MAGIC));
  header.u8(DGD_VERSION);
  header.u8(0);
  header.varint(refSize);
  header.varint(windowSize);
  yield header.view().slice();

  const regionLength = Math.min(refSize, maxRegion);
  let index: ReferenceIndex | undefined;
  const state: MatchState = { lastOldEnd: 0 };
  const streams = createWindowStreams();
  const whole = createHash("sha256");
  let total = 0;

  /** The region for a window starting at `targetOffset`: all of a small reference. */
  const regionStart = (targetOffset: number): number => {
    if (regionLength === refSize) return 0;
    const centre = Math.round(targetOffset + windowSize / 2);
    return Math.max(0, Math.min(refSize - regionLength, centre - Math.floor(regionLength / 2)));
  };
  const ensureRegion = async (targetOffset: number): Promise<ReferenceIndex> => {
    const start = regionStart(targetOffset);
    // Move a partial region only once it is a quarter off, not every window.
    if (index !== undefined && Math.abs(index.base - start) < regionLength / 4) return index;
    // A moved region reuses the buffer and the table: one of each is ever allocated.
    const reuse = index?.table;
    const bytes = await readRegion(
      source,
      start,
      index?.bytes ?? new Uint8Array(regionLength),
      signal,
    );
    index = buildReferenceIndex(bytes, start, {
      ...(reuse === undefined ? {} : { reuse }),
      maxTableBits: maxIndexBits,
      minSpacing: SEED_SPACING,
    });
    return index;
  };

  const windowBuf = new Uint8Array(windowSize);
  let filled = 0;

  async function* flush(): AsyncGenerator<Uint8Array, void, undefined> {
    const data = windowBuf.subarray(0, filled);
    const idx = await ensureRegion(total);
    throwIfAborted(signal);
    matchWindow(idx, data, state, streams);
    // The control stream: the diff lengths, then the extra lengths, then the diagonal shifts,
    // each field together (the compressor models each better), the first two sections'
    // sizes in front.
    const count = streams.seeks.length;
    const lens = new ByteWriter(count * 2 + 16);
    for (let i = 0; i < count; i++) lens.varint(streams.diffLens[i] as number);
    const diffLensBytes = lens.length;
    for (let i = 0; i < count; i++) lens.varint(streams.extraLens[i] as number);
    const extraLensBytes = lens.length - diffLensBytes;
    for (let i = 0; i < count; i++) {
      lens.svarint(
        (streams.seeks[i] as number) - (i === 0 ? 0 : (streams.extraLens[i - 1] as number)),
      );
    }
    const control = new ByteWriter(lens.length + 16);
    control.varint(diffLensBytes);
    control.varint(extraLensBytes);
    control.bytes(lens.view());
    // Copies, as the buffers are reused by the next window.
    const diffRuns = streams.diffRuns.out.view().slice();
    // Copies of what the next window overwrites: the extra bytes (the buffer is reused).
    const extra = streams.extra.view().slice();
    const entries = streams.seeks.length;
    whole.update(data);
    // The first window's digest is that of the target so far: one pass over its bytes, not
    // two (most targets are one window).
    const digest = (
      total === 0 ? whole.copy().digest() : createHash("sha256").update(data).digest()
    ).subarray(0, WINDOW_DIGEST_BYTES);
    const length = filled;
    total += filled;
    filled = 0;
    // This window is compressed (brotli on libuv's threads) while the next one is matched;
    // the previous one goes out first, so the order is kept with at most two in flight.
    const compressed = Promise.all([
      compressStream(control.view(), CONTROL_COMPRESSION),
      compressStream(diffRuns, DIFF_COMPRESSION),
      compressStream(
        extra,
        extra.length <= SMALL_EXTRA ? SMALL_EXTRA_COMPRESSION : LARGE_EXTRA_COMPRESSION,
      ),
    ]).then(([c, d, e]) => {
      const head = new ByteWriter(64);
      head.u8(TAG_WINDOW);
      head.varint(length);
      head.varint(entries);
      head.u8(c.method);
      head.varint(control.length);
      head.varint(c.bytes.length);
      head.u8(d.method);
      head.varint(diffRuns.length);
      head.varint(d.bytes.length);
      head.u8(e.method);
      head.varint(extra.length);
      head.varint(e.bytes.length);
      head.bytes(digest);
      return [head.view(), c.bytes, d.bytes, e.bytes];
    });
    // A failure is taken up when this window is awaited, not as an unhandled rejection.
    compressed.catch(() => {});
    const previous = inFlight;
    inFlight = compressed;
    if (previous !== undefined) yield* await previous;
  }
  let inFlight: Promise<Uint8Array[]> | undefined;

  for await (const chunk of target) {
    throwIfAborted(signal);
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(chunk.length - at, windowSize - filled);
      windowBuf.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === windowSize) yield* flush();
    }
  }
  if (filled > 0) yield* flush();
  if (inFlight !== undefined) yield* await inFlight;
  throwIfAborted(signal);
  const end = new ByteWriter(48);
  end.u8(TAG_END);
  end.varint(total);
  end.bytes(whole.digest());
  yield end.view().slice();
}
