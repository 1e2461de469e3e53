import { IntegrityError, throwIfAborted } from "../errors.js";
import type { ByteStream, OperationOptions, RandomAccessSource } from "../ports/common.js";
import type { Hasher } from "../ports/hasher.js";
import type { ReferenceCache } from "../ports/reference-cache.js";
import { concatBytes } from "../util/bytes.js";
import { createBufferSource } from "./buffer-source.js";
import { createSha256Hasher } from "./sha256-hasher.js";

/**
 * An unbounded `ReferenceCache` in memory, for tests. `@dg/cache` has the bounded, LRU one
 * for real use.
 *
 * @example
 * ```ts
 * const cache = createSimpleMemoryReferenceCache();
 * const source = await cache.put(sha, stream);
 * ```
 */
export function createSimpleMemoryReferenceCache(
  hasher: Hasher = createSha256Hasher(),
): ReferenceCache & { readonly size: number } {
  const entries = new Map<string, Uint8Array>();
  return {
    get size() {
      return entries.size;
    },
    async get(sha256: string, options?: OperationOptions): Promise<RandomAccessSource | undefined> {
      throwIfAborted(options?.signal);
      const bytes = entries.get(sha256);
      return bytes ? createBufferSource(bytes) : undefined;
    },
    async put(sha256: string, body: ByteStream, options?: OperationOptions) {
      const hash = hasher.sha256();
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) {
        throwIfAborted(options?.signal);
        hash.update(chunk);
        chunks.push(chunk.slice());
      }
      const actual = hash.digestHex();
      if (actual !== sha256) {
        throw new IntegrityError(`Reference SHA-256 mismatch: expected ${sha256}, got ${actual}`);
      }
      const bytes = concatBytes(chunks);
      entries.set(sha256, bytes);
      return createBufferSource(bytes);
    },
    async delete(sha256: string) {
      entries.delete(sha256);
    },
    async clear() {
      entries.clear();
    },
  };
}
