import { IntegrityError } from "../errors.js";
import type { ByteStream, OperationOptions, RandomAccessSource } from "../ports/common.js";
import type { DeltaCodec, DeltaTarget } from "../ports/delta-codec.js";
import { targetStream } from "../util/delta-target.js";
import { collectBytes } from "../util/bytes.js";

const MAGIC = [0x64, 0x67, 0x70, 0x78]; // "dgpx"
const HEADER = 12; // magic + 8-byte little-endian prefix length

/**
 * A `DeltaCodec` for tests and examples, not for real files: the "delta" is the length of
 * the prefix the target shares with the source, then the rest of the target. Appended data
 * gives a small delta, anything else a large one, which makes both storage paths (delta and
 * max-ratio fallback) easy to exercise. It holds the target in memory.
 *
 * @example
 * ```ts
 * const codec = createPrefixCodec();
 * ```
 */
export function createPrefixCodec(): DeltaCodec {
  return {
    name: "prefix",
    async *encode(source: RandomAccessSource, target: DeltaTarget, options?: OperationOptions) {
      const bytes = await collectBytes(targetStream(target, options));
      const limit = Math.min(bytes.length, source.size);
      const head = await source.read(0, limit);
      let shared = 0;
      while (shared < limit && head[shared] === bytes[shared]) shared++;
      const header = new Uint8Array(HEADER);
      header.set(MAGIC);
      new DataView(header.buffer).setBigUint64(4, BigInt(shared), true);
      yield header;
      if (shared < bytes.length) yield bytes.subarray(shared);
    },
    async *decode(source: RandomAccessSource, delta: ByteStream, _options?: OperationOptions) {
      const bytes = await collectBytes(delta);
      if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) {
        throw new IntegrityError("prefix codec: not a prefix delta");
      }
      const shared = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(4, true));
      if (shared > source.size)
        throw new IntegrityError("prefix codec: prefix longer than the source");
      if (shared > 0) yield (await source.read(0, shared)).slice();
      if (bytes.length > HEADER) yield bytes.subarray(HEADER);
    },
  };
}
