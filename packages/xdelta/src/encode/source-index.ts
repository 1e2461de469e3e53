import { IntegrityError, throwIfAborted } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";
import type { SourceBlockCache } from "./block-cache.js";
import { GEAR, hashBlock, mixHash } from "./rolling-hash.js";
import type { HashShape } from "./rolling-hash.js";
import type { ShortIndex } from "./short-index.js";
import { indexShortChunk } from "./short-index.js";

/**
 * A compact fingerprint index of the whole source. A position is an *anchor* when the rolling
 * hash of the bytes there (`shape.length` of them) passes a content-defined test that about one position
 * in `spacing` passes; the index maps the hash of every source anchor to its position, in a
 * direct-mapped table (a later anchor with the same slot replaces an earlier one).
 *
 * Anchors depend only on content, so the encoder probes the table only at target anchors:
 * about one target position in `spacing` costs a random memory access, and a match longer
 * than a few `spacing` is found wherever it sits in the source, then extended both ways.
 */
export interface SourceIndex {
  /**
   * Two numbers per slot, side by side so that a probe touches one cache line: at `2 * slot`
   * the anchor's source position + 1 (0 marks an empty slot), at `2 * slot + 1` its full
   * 32-bit hash (unsigned). Comparing the hash rejects almost every probe of a slot that
   * holds another anchor without reading the source, and keeps the probe's branch
   * predictable, so the CPU overlaps the cache misses of consecutive probes.
   */
  readonly table: Uint32Array | Float64Array;
  /** The slot of a rolling hash `h` is `mixHash(h) >>> slotShift`. */
  readonly slotShift: number;
  /** `h` is an anchor when `isAnchor(h, anchorLimit)`. */
  readonly anchorLimit: number;
  readonly spacing: number;
  readonly shape: HashShape;
  /** The dense index of short fingerprints, when the source has one. */
  readonly short?: ShortIndex;
}

export interface SourceIndexParams {
  /** Mean distance between anchors. */
  readonly spacing: number;
  readonly tableBits: number;
  readonly shape: HashShape;
}

const READ_CHUNK = 1 << 20;
const ANCHOR_MULTIPLIER = 0x2545f491;

/** Whether the rolling hash `h` marks an anchor (`limit` = 2^32 / spacing). */
export function isAnchor(h: number, limit: number): boolean {
  return Math.imul(h, ANCHOR_MULTIPLIER) >>> 0 < limit;
}

/**
 * Read the source once, in order, and index its anchors. Whole blocks read on the way are
 * offered to `cache`, so a source that fits in the cache is read only once.
 *
 * @example
 * ```ts
 * const params = sourceIndexParams(source.size, { minSpacing: 4, maxTableBits: 24 }, SOURCE_HASH);
 * const index = await buildSourceIndex(source, params, cache);
 * ```
 */
export async function buildSourceIndex(
  source: RandomAccessSource,
  params: SourceIndexParams,
  cache: SourceBlockCache,
  signal?: AbortSignal,
  short?: ShortIndex,
): Promise<SourceIndex> {
  const size = source.size;
  const slots = 2 ** params.tableBits;
  const index: SourceIndex = {
    table: size < 0xffffffff ? new Uint32Array(2 * slots) : new Float64Array(2 * slots),
    slotShift: 32 - params.tableBits,
    anchorLimit: Math.floor(2 ** 32 / params.spacing),
    spacing: params.spacing,
    shape: params.shape,
    ...(short === undefined ? {} : { short }),
  };
  // Chunks overlap by a fingerprint less one byte (short fingerprints are shorter).
  const length = params.shape.length;
  if (size < length) return index;

  const chunkSize = Math.max(READ_CHUNK, cache.blockSize);
  const scratch = { offsets: new Int32Array(chunkSize), hashes: new Int32Array(chunkSize) };
  // The next chunk is read while this one is hashed. A source may reuse the array it returns
  // on its next read, so each chunk is first copied into one of two buffers.
  const buffers = [new Uint8Array(chunkSize + length), new Uint8Array(chunkSize + length)];
  const readChunk = (position: number): Promise<Uint8Array> =>
    source.read(position, Math.min(size - position, chunkSize + length - 1));
  let pending = readChunk(0);
  for (let position = 0, turn = 0; position < size; position += chunkSize, turn ^= 1) {
    const read = await pending;
    const want = Math.min(size - position, chunkSize + length - 1);
    if (read.length < want) throw new IntegrityError("The source changed while indexing");
    const bytes = buffers[turn]!.subarray(0, want);
    bytes.set(read);
    if (position + chunkSize < size) {
      throwIfAborted(signal);
      pending = readChunk(position + chunkSize);
      // A failed read surfaces at its await; this keeps it from being reported as unhandled.
      pending.catch(() => {});
    }
    cache.offer(position, bytes);
    // Blocks that start in this chunk and end within what was read.
    const last = Math.min(chunkSize, bytes.length - length + 1);
    if (last > 0) indexChunk(index, bytes, last, position, scratch);
    if (short !== undefined && last > 0) indexShortChunk(short, bytes, last, position);
  }
  return index;
}

function indexChunk(
  index: SourceIndex,
  bytes: Uint8Array,
  last: number,
  position: number,
  scratch: { readonly offsets: Int32Array; readonly hashes: Int32Array },
): void {
  const { table, slotShift, anchorLimit } = index;
  const { shift, length } = index.shape;
  const { offsets, hashes } = scratch;
  // Pass 1, no unpredictable branch: every offset is written, the count only grows at anchors.
  let h = hashBlock(bytes, 0, shift, length);
  let count = 0;
  for (let rel = 0; ; ) {
    offsets[count] = rel;
    hashes[count] = h;
    count += +(Math.imul(h, ANCHOR_MULTIPLIER) >>> 0 < anchorLimit);
    if (++rel >= last) break;
    h = ((h << shift) + GEAR[bytes[rel + length - 1]!]!) | 0;
  }
  // Pass 2: the random stores, back to back.
  for (let i = 0; i < count; i++) {
    const anchor = hashes[i]!;
    const at = (mixHash(anchor) >>> slotShift) << 1;
    table[at] = position + offsets[i]! + 1;
    table[at + 1] = anchor >>> 0;
  }
}

/**
 * The index parameters for a source of `size` bytes: anchors as dense as `minSpacing` allows,
 * in a table of at most 2^`maxTableBits` slots (8 bytes each) with at most `maxLoad` anchors
 * per slot.
 *
 * @example
 * ```ts
 * sourceIndexParams(1e9, { minSpacing: 4, maxTableBits: 24 }, SOURCE_HASH); // spacing 32
 * ```
 */
export function sourceIndexParams(
  size: number,
  options: {
    readonly minSpacing: number;
    readonly maxTableBits: number;
    /** Most anchors per slot before the spacing grows (default 2). */
    readonly maxLoad?: number;
  },
  shape: HashShape,
): SourceIndexParams {
  const { minSpacing, maxLoad = 2 } = options;
  // Sources of 4 GiB and more need 64-bit positions: half as many slots for the same memory.
  const maxTableBits = size < 0xffffffff ? options.maxTableBits : options.maxTableBits - 1;
  const spacing = Math.max(1, minSpacing, Math.ceil(size / (maxLoad * 2 ** maxTableBits)));
  const anchors = Math.max(1, size / spacing);
  const tableBits = Math.max(10, Math.min(maxTableBits, Math.ceil(Math.log2(anchors))));
  return { spacing, tableBits, shape };
}
