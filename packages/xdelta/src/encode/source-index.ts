import { IntegrityError, throwIfAborted } from "@dg/core";
import type { RandomAccessSource } from "@dg/core";
import type { SourceBlockCache } from "./block-cache.js";
import { HASH_BASE, hashBlock, mixHash, outgoingWeight } from "./rolling-hash.js";

/**
 * A compact fingerprint index of the whole source: the hash of the `hashLength`-byte block at
 * every `step`-th source position, in a direct-mapped hash table of 32-bit entries. Each entry packs
 * the sample number (+1, so 0 means empty) in its low `sampleBits` and a tag of the hash in
 * the rest, so most false candidates are rejected without reading the source.
 */
export interface SourceIndex {
  readonly table: Uint32Array;
  /** `32 - log2(table.length)`: the slot of a mixed hash `m` is `m >>> slotShift`. */
  readonly slotShift: number;
  readonly step: number;
  readonly hashLength: number;
  readonly sampleBits: number;
  /** Mask of the sample bits of an entry. */
  readonly sampleMask: number;
  /** Mask applied to a mixed hash to get its tag (before shifting by `sampleBits`). */
  readonly tagMask: number;
}

export interface SourceIndexParams {
  readonly step: number;
  readonly hashLength: number;
  readonly tableBits: number;
}

const READ_CHUNK = 1 << 20;

/**
 * Read the source once, in order, and index it. Whole blocks read on the way are offered to
 * `cache`, so a source that fits in the cache is read only once.
 *
 * @example
 * ```ts
 * const index = await buildSourceIndex(source, { step: 4, hashLength: 16, tableBits: 22 }, cache);
 * ```
 */
export async function buildSourceIndex(
  source: RandomAccessSource,
  params: SourceIndexParams,
  cache: SourceBlockCache,
  signal?: AbortSignal,
): Promise<SourceIndex> {
  const { step, hashLength, tableBits } = params;
  const size = source.size;
  const samples = size >= hashLength ? Math.floor((size - hashLength) / step) + 1 : 0;
  const sampleBits = Math.max(1, Math.ceil(Math.log2(samples + 1)));
  if (sampleBits > 30) throw new RangeError("source index: too many samples for 32-bit entries");
  const tagBits = 32 - sampleBits;
  const index: SourceIndex = {
    table: new Uint32Array(1 << tableBits),
    slotShift: 32 - tableBits,
    step,
    hashLength,
    sampleBits,
    sampleMask: sampleBits >= 32 ? 0xffffffff : (2 ** sampleBits - 1) >>> 0,
    tagMask: tagBits >= 32 ? 0xffffffff : (2 ** tagBits - 1) >>> 0,
  };
  if (samples === 0) return index;

  // Chunks are a multiple of `step` (both powers of two), so sample boundaries align.
  const chunkSize = Math.max(READ_CHUNK, cache.blockSize, step);
  const weight = outgoingWeight(hashLength);
  const { table, slotShift, tagMask } = index;
  const sampleScale = 2 ** sampleBits;
  // Hashes are computed first, then stored in a second tight loop: plain stores to random
  // slots overlap in the CPU, where a read-test-write per slot waits for memory each time.
  const mixed = new Uint32Array(Math.ceil(chunkSize / step));
  for (let position = 0; position < size; position += chunkSize) {
    throwIfAborted(signal);
    const want = Math.min(size - position, chunkSize + hashLength - 1);
    const bytes = await source.read(position, want);
    if (bytes.length < want) throw new IntegrityError("The source changed while indexing");
    cache.offer(position, bytes);
    // Blocks that start in this chunk and end within what was read.
    const last = Math.min(chunkSize, bytes.length - hashLength + 1);
    const count = hashSamples(bytes, last, step, hashLength, weight, mixed);
    // Entry = tag in the high bits, sample number + 1 in the low bits. A later sample with
    // the same slot replaces an earlier one.
    let entry = position / step + 1;
    for (let i = 0; i < count; i++, entry++) {
      const m = mixed[i]!;
      table[m >>> slotShift] = (m & tagMask) * sampleScale + entry;
    }
  }
  return index;
}

/** Mixed hashes of the blocks at every `step`-th offset below `last`, into `out`. */
function hashSamples(
  bytes: Uint8Array,
  last: number,
  step: number,
  hashLength: number,
  weight: number,
  out: Uint32Array,
): number {
  let count = 0;
  if (step >= hashLength) {
    for (let rel = 0; rel < last; rel += step)
      out[count++] = mixHash(hashBlock(bytes, rel, hashLength));
    return count;
  }
  if (last <= 0) return 0;
  const stepMask = step - 1;
  let h = hashBlock(bytes, 0, hashLength);
  for (let rel = 0; ; ) {
    if ((rel & stepMask) === 0) out[count++] = mixHash(h);
    if (++rel >= last) break;
    h =
      (Math.imul((h - Math.imul(bytes[rel - 1]!, weight)) | 0, HASH_BASE) +
        bytes[rel + hashLength - 1]!) |
      0;
  }
  return count;
}

/** The sampling parameters for a source of `size` bytes. */
export function sourceIndexParams(
  size: number,
  options: { readonly hashLength: number; readonly minStep: number; readonly maxTableBits: number },
): SourceIndexParams {
  const { hashLength, minStep, maxTableBits } = options;
  let step = 1;
  while (step < minStep) step *= 2;
  while (size / step > 2 ** maxTableBits) step *= 2;
  const samples = Math.max(1, Math.floor(size / step));
  const tableBits = Math.max(10, Math.min(maxTableBits, Math.ceil(Math.log2(samples))));
  return { step, hashLength, tableBits };
}
