import { createDeltaService } from "../src/service/delta-service.js";
import type { DeltaServiceOptions } from "../src/service/types.js";
import type { ReplayableBody } from "../src/ports/common.js";
import { createMemoryObjectStore } from "../src/memory/memory-object-store.js";
import { createPrefixCodec } from "../src/memory/prefix-codec.js";
import { createSimpleMemoryReferenceCache } from "../src/memory/memory-reference-cache.js";
import { createMemoryScratchSpace } from "../src/memory/memory-scratch-space.js";
import { createSha256Hasher } from "../src/memory/sha256-hasher.js";
import { collectBytes } from "../src/util/bytes.js";

export function makeService(overrides: Partial<DeltaServiceOptions> = {}) {
  const store = createMemoryObjectStore({ buckets: ["bkt"] });
  const cache = createSimpleMemoryReferenceCache();
  const scratch = createMemoryScratchSpace();
  const service = createDeltaService({
    store,
    codec: createPrefixCodec(),
    cache,
    scratch,
    hasher: createSha256Hasher(),
    toolVersion: "0.0.0-test",
    clock: { now: () => new Date("2026-11-25T12:00:00.000Z") },
    ...overrides,
  });
  return { service, store, cache, scratch };
}

/** A replayable body over bytes, streamed in small chunks so that streaming paths run. */
export function bodyOf(bytes: Uint8Array, chunk = 4096): ReplayableBody {
  return {
    size: bytes.length,
    async *open() {
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.slice(at, at + chunk);
    },
  };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export { collectBytes };
