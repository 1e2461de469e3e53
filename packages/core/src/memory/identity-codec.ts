import { IntegrityError } from "../errors.js";
import type { ByteStream, OperationOptions, RandomAccessSource } from "../ports/common.js";
import type { DeltaCodec } from "../ports/delta-codec.js";

const MAGIC = new Uint8Array([0x64, 0x67, 0x69, 0x64]); // "dgid"

/**
 * A `DeltaCodec` for tests whose "delta" is a 4-byte marker and the whole target. It
 * round-trips exactly and never shrinks anything, which makes the max-ratio policy easy to
 * exercise. When the target equals the source it writes the marker alone.
 *
 * @example
 * ```ts
 * const codec = createIdentityCodec();
 * ```
 */
export function createIdentityCodec(): DeltaCodec {
  return {
    name: "identity",
    async *encode(source: RandomAccessSource, target: ByteStream, _options?: OperationOptions) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of target) {
        chunks.push(chunk.slice());
        size += chunk.length;
      }
      yield MAGIC;
      if (size === source.size && (await equalsSource(source, chunks))) return;
      for (const chunk of chunks) yield chunk;
      yield new Uint8Array([0]);
    },
    async *decode(source: RandomAccessSource, delta: ByteStream, _options?: OperationOptions) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of delta) chunks.push(chunk.slice());
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      if (all.length < 4 || !MAGIC.every((b, i) => all[i] === b)) {
        throw new IntegrityError("identity codec: not an identity delta");
      }
      if (all.length === 4) {
        yield (await source.read(0, source.size)).slice();
        return;
      }
      yield all.subarray(4, all.length - 1);
    },
  };
}

async function equalsSource(source: RandomAccessSource, chunks: readonly Uint8Array[]) {
  let at = 0;
  for (const chunk of chunks) {
    const got = await source.read(at, chunk.length);
    if (got.length !== chunk.length) return false;
    for (let i = 0; i < chunk.length; i++) if (got[i] !== chunk[i]) return false;
    at += chunk.length;
  }
  return true;
}
