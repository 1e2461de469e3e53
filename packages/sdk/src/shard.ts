import { createHash } from "node:crypto";
import { type Shard, type ShardSelector, shardSelector } from "@dg/core/domain";

/**
 * A selector for one shard of a piece of work split across processes or machines (`sync`
 * and `migrate --shard K/N`): a key belongs to shard `first 8 bytes of SHA-256(key) mod N`,
 * so N processes given `0/N` … `N-1/N` each take a disjoint part and together take every key,
 * with nothing shared between them. Give it keys relative to the work's source (what stays
 * the same between the source and the destination).
 *
 * @example
 * ```ts
 * import { createShardSelector, resolveShard } from "@dg/sdk/common";
 * const shard = resolveShard({ shardCount: "4", env: process.env });
 * const mine = shard && createShardSelector(shard);
 * const todo = keys.filter((key) => mine?.includes(key) ?? true);
 * ```
 */
export function createShardSelector(shard: Shard): ShardSelector {
  return shardSelector(shard, {
    sha256() {
      const hash = createHash("sha256");
      return {
        update: (chunk: Uint8Array) => void hash.update(chunk),
        digestHex: () => hash.digest("hex"),
      };
    },
  });
}
