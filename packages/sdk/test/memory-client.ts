import type { ObjectStore, ScratchSpace } from "@dg/core";
import {
  createFixedClock,
  createMemoryObjectStore,
  createMemoryScratchSpace,
  createPrefixCodec,
  createSha256Hasher,
  createSimpleMemoryReferenceCache,
} from "@dg/core/memory";
import { createClient, type ClientOptions, type DeltaGliderClient } from "../src/index.js";

/** A scratch space that counts the blobs written through it. */
export function countingScratch(inner: ScratchSpace = createMemoryScratchSpace()) {
  const counter = { created: 0 };
  const scratch: ScratchSpace = {
    async create() {
      counter.created++;
      return inner.create();
    },
  };
  return { scratch, counter };
}

/** A client over in-memory adapters with the prefix test codec; bucket `bkt` exists. */
export function memoryClient(overrides: Partial<ClientOptions> = {}): {
  client: DeltaGliderClient;
  store: ObjectStore;
  scratchCount: { created: number };
} {
  const store = createMemoryObjectStore({ buckets: ["bkt"] });
  const { scratch, counter } = countingScratch();
  const client = createClient({
    env: {},
    store,
    codec: createPrefixCodec(),
    cache: createSimpleMemoryReferenceCache(),
    scratch,
    hasher: createSha256Hasher(),
    clock: createFixedClock(new Date("2026-11-25T12:00:00.000Z")),
    toolVersion: "0.0.0-test",
    logger: { log() {} },
    ...overrides,
  });
  return { client, store, scratchCount: counter };
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

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
