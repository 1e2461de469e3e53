import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, collectBytes, concat, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { hasCode, IntegrityError } from "../errors.js";
import { createPrefixCodec } from "../memory/prefix-codec.js";
import type { DeltaCodec } from "../ports/delta-codec.js";
import type { LogLevel } from "../ports/logger.js";
import type { RandomAccessSource, ReferenceCache } from "../ports/index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes(41, 60_000);
const v2 = concat(v1, seededBytes(42, 1_000));
const v3 = concat(v1, seededBytes(43, 2_000));

/**
 * The prefix codec, decoding the shared prefix in 4 KiB reads of the source, each handed on
 * at once: a damaged reference shows up after part of the output is out, as with VCDIFF.
 */
function chunkedPrefixCodec(): DeltaCodec {
  const prefix = createPrefixCodec();
  return {
    ...prefix,
    async *decode(source, delta) {
      const bytes = await collectBytes(delta);
      const shared = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(4, true));
      for (let at = 0; at < shared; at += 4096) {
        yield (await source.read(at, Math.min(4096, shared - at))).slice();
      }
      if (bytes.length > 12) yield bytes.subarray(12);
    },
  };
}

/**
 * A cache whose sources fail their integrity check on a read past 8 KiB, `budget` times in
 * all, deleting their entry, as the encrypted filesystem cache does with a tampered chunk.
 */
function tamperedCache(inner: ReferenceCache, budget: number) {
  let left = budget;
  const deleted: string[] = [];
  const tamper = (sha256: string, source: RandomAccessSource): RandomAccessSource => {
    let failed = false;
    return {
      size: source.size,
      async read(position, length) {
        if (failed || (left > 0 && position + length > 8192)) {
          if (!failed) left -= 1;
          failed = true;
          await inner.delete(sha256);
          throw new IntegrityError(`Cached reference ${sha256} failed its integrity check`);
        }
        return source.read(position, length);
      },
      close: () => source.close(),
    };
  };
  const cache: ReferenceCache = {
    async get(sha256, options) {
      const source = await inner.get(sha256, options);
      return source && tamper(sha256, source);
    },
    async put(sha256, body, options) {
      return tamper(sha256, await inner.put(sha256, body, options));
    },
    async delete(sha256) {
      deleted.push(sha256);
      await inner.delete(sha256);
    },
  };
  return { cache, deleted };
}

function recordingLogger() {
  const lines: Array<[LogLevel, string]> = [];
  return {
    lines,
    logger: { log: (level: LogLevel, message: string) => lines.push([level, message]) },
  };
}

/** A bucket with v1 (the reference) and v2 (a delta), and the cache that holds v1. */
async function seeded() {
  const writer = makeService({ codec: chunkedPrefixCodec() });
  await writer.service.put("bkt", "rel/app-1.zip", bodyOf(v1));
  await writer.service.put("bkt", "rel/app-2.zip", bodyOf(v2));
  let referenceGets = 0;
  const store = {
    ...writer.store,
    getObject: ((bucket, key, options) => {
      if (key === "rel/reference.bin") referenceGets += 1;
      return writer.store.getObject(bucket, key, options);
    }) as typeof writer.store.getObject,
  };
  return { store, cache: writer.cache, referenceGets: () => referenceGets };
}

describe("a cached reference that fails its integrity check", () => {
  it("on download: is deleted, fetched again, and the file still reads back whole", async () => {
    const { store, cache, referenceGets } = await seeded();
    const tampered = tamperedCache(cache, 1);
    const { lines, logger } = recordingLogger();
    const { service } = makeService({
      store,
      cache: tampered.cache,
      codec: chunkedPrefixCodec(),
      logger,
    });
    const got = await service.get("bkt", "rel/app-2.zip");
    expect(sha(await collectBytes(got.body))).toBe(sha(v2));
    expect(tampered.deleted).toEqual([sha(v1)]);
    expect(referenceGets()).toBe(1);
    expect(lines).toContainEqual(["warn", expect.stringContaining("integrity check")]);
  });

  it("on download: a second failure in the same operation is the error", async () => {
    const { store, cache } = await seeded();
    const { service } = makeService({
      store,
      cache: tamperedCache(cache, 2).cache,
      codec: chunkedPrefixCodec(),
    });
    const got = await service.get("bkt", "rel/app-2.zip");
    const error = await collectBytes(got.body).catch((e: unknown) => e);
    expect(hasCode(error, "INTEGRITY")).toBe(true);
  });

  it("on upload: is deleted, fetched again, and the new file is stored as a delta", async () => {
    const { store, cache, referenceGets } = await seeded();
    const tampered = tamperedCache(cache, 1);
    const { service } = makeService({ store, cache: tampered.cache, codec: chunkedPrefixCodec() });
    let progressed = 0;
    const result = await service.put("bkt", "rel/app-3.zip", bodyOf(v3), {
      onProgress: (event) => {
        if (event.type === "bytes") progressed += event.bytes;
      },
    });
    expect(result.storageType).toBe("delta");
    expect(tampered.deleted).toEqual([sha(v1)]);
    expect(referenceGets()).toBe(1);
    // The encode ran twice; the progress counts the file once.
    expect(progressed).toBe(v3.length);
    const reader = makeService({ store, codec: chunkedPrefixCodec() }).service;
    expect(sha(await collectBytes((await reader.get("bkt", "rel/app-3.zip")).body))).toBe(sha(v3));
  });

  it("on upload: a second failure in the same operation is the error", async () => {
    const { store, cache } = await seeded();
    const { service } = makeService({
      store,
      cache: tamperedCache(cache, 2).cache,
      codec: chunkedPrefixCodec(),
    });
    const error = await service.put("bkt", "rel/app-3.zip", bodyOf(v3)).catch((e: unknown) => e);
    expect(hasCode(error, "INTEGRITY")).toBe(true);
  });
});

describe("with several references per folder", () => {
  // v1 is the folder's reference.bin; w drifted from it (a new start), so it becomes an extra
  // reference under .dg-refs/; w2 is a small change of w, encoded against w.
  const w = concat(seededBytes(44, 200), v1.subarray(200));
  const w2 = concat(w.subarray(0, w.length - 500), seededBytes(45, 500));
  const extraKey = `rel/.dg-refs/${sha(w).slice(0, 16)}/reference.bin`;

  it("a file that becomes an extra reference reports each byte once", async () => {
    const { service } = makeService({ codec: chunkedPrefixCodec() });
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    let progressed = 0;
    const result = await service.put("bkt", "rel/app-2.zip", bodyOf(w), {
      onProgress: (event) => {
        if (event.type === "bytes") progressed += event.bytes;
      },
    });
    // Read three times (encode against v1, upload as a reference, zero-diff), counted once.
    expect(result).toMatchObject({ storageType: "reference", referenceKey: extraKey });
    expect(progressed).toBe(w.length);
  });

  it("a corrupt cached extra reference is fetched again from its own key on upload", async () => {
    const writer = makeService({ codec: chunkedPrefixCodec() });
    await writer.service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await writer.service.put("bkt", "rel/app-2.zip", bodyOf(w));
    const gets: string[] = [];
    const store = {
      ...writer.store,
      getObject: ((bucket, key, options) => {
        gets.push(key);
        return writer.store.getObject(bucket, key, options);
      }) as typeof writer.store.getObject,
    };
    const tampered = tamperedCache(writer.cache, 1);
    const { service } = makeService({ store, cache: tampered.cache, codec: chunkedPrefixCodec() });
    let progressed = 0;
    const result = await service.put("bkt", "rel/app-3.zip", bodyOf(w2), {
      onProgress: (event) => {
        if (event.type === "bytes") progressed += event.bytes;
      },
    });
    expect(result).toMatchObject({ storageType: "delta", referenceKey: extraKey });
    expect(tampered.deleted).toEqual([sha(w)]);
    expect(gets).toEqual([extraKey]);
    expect(progressed).toBe(w2.length);
    const reader = makeService({ store, codec: chunkedPrefixCodec() }).service;
    expect(sha(await collectBytes((await reader.get("bkt", "rel/app-3.zip")).body))).toBe(sha(w2));
  });
});
