import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, collectBytes, concat, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { hasCode, PermissionDeniedError, UnavailableError } from "../errors.js";
import type { DeltaCodec } from "../ports/delta-codec.js";
import { createPrefixCodec } from "../memory/prefix-codec.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes(1, 50_000);
const v2 = concat(v1, seededBytes(2, 1_000));
const v3 = concat(v1, seededBytes(3, 2_000));

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("DeltaService.put", () => {
  it("stores the first file as reference.bin plus a zero-diff delta", async () => {
    const { service, store } = makeService();
    const result = await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    expect(result).toMatchObject({
      storageType: "reference",
      storedKey: "rel/app-1.zip.delta",
      originalSize: v1.length,
      sha256: sha(v1),
    });
    const ref = await store.headObject("bkt", "rel/reference.bin");
    expect(ref?.size).toBe(v1.length);
    expect(ref?.metadata).toMatchObject({
      "dg-note": "reference",
      "dg-source-name": "app-1.zip",
      "dg-file-sha256": sha(v1),
      "dg-tool": "deltaglider-ts/0.0.0-test",
    });
    const delta = await store.headObject("bkt", "rel/app-1.zip.delta");
    expect(delta?.metadata).toMatchObject({
      "dg-note": "zero-diff (reference identical)",
      "dg-ref-key": "rel/reference.bin",
      "dg-ref-sha256": sha(v1),
      "dg-file-size": String(v1.length),
      "dg-delta-size": String(delta?.size),
    });
    expect(await store.headObject("bkt", "rel/app-1.zip")).toBeUndefined();
  });

  it("stores later files as deltas against the reference and reads them back", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const r2 = await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    expect(r2.storageType).toBe("delta");
    expect(r2.storedSize).toBeLessThan(v2.length / 10);
    const stored = await store.headObject("bkt", "rel/app-2.zip.delta");
    expect(stored?.metadata["dg-ref-sha256"]).toBe(sha(v1));
    for (const [key, bytes] of [
      ["rel/app-1.zip", v1],
      ["rel/app-2.zip", v2],
    ] as const) {
      const got = await service.get("bkt", key);
      expect(got.info).toMatchObject({ kind: "delta", size: bytes.length, sha256: sha(bytes) });
      expect(sha(await collectBytes(got.body))).toBe(sha(bytes));
    }
  });

  it("keeps aws cp destination names: the deltaspace is the key's parent", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "a/b/new-name.zip", bodyOf(v1));
    expect(await store.headObject("bkt", "a/b/reference.bin")).toBeDefined();
    expect(await store.headObject("bkt", "a/b/new-name.zip.delta")).toBeDefined();
    expect(await store.headObject("bkt", "a/reference.bin")).toBeUndefined();
  });

  it("stores a file directly when its delta exceeds the max ratio", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const unrelated = seededBytes(99, 40_000);
    const result = await service.put("bkt", "rel/other.zip", bodyOf(unrelated));
    expect(result).toMatchObject({
      storageType: "direct",
      storedKey: "rel/other.zip",
      reason: "max-ratio",
    });
    expect((await store.headObject("bkt", "rel/other.zip"))?.metadata["dg-compression"]).toBe(
      "none",
    );
    expect(await store.headObject("bkt", "rel/other.zip.delta")).toBeUndefined();
    expect(sha(await collectBytes((await service.get("bkt", "rel/other.zip")).body))).toBe(
      sha(unrelated),
    );
  });

  it("honours a per-call max ratio", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const tight = await service.put("bkt", "rel/app-2.zip", bodyOf(v2), { maxRatio: 0.001 });
    expect(tight.storageType).toBe("direct");
    const loose = await service.put("bkt", "rel/app-2.zip", bodyOf(v2), { maxRatio: 0.5 });
    expect(loose.storageType).toBe("delta");
  });

  it("replacing a direct object with a delta leaves only the delta (and vice versa)", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2), { maxRatio: 0.001 });
    expect(await store.headObject("bkt", "rel/app-2.zip")).toBeDefined();
    await service.put("bkt", "rel/app-2.zip", bodyOf(v3));
    expect(await store.headObject("bkt", "rel/app-2.zip")).toBeUndefined();
    expect(sha(await collectBytes((await service.get("bkt", "rel/app-2.zip")).body))).toBe(sha(v3));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v3), { delta: false });
    expect(await store.headObject("bkt", "rel/app-2.zip.delta")).toBeUndefined();
  });

  it("stores non-eligible and empty files directly with dg-* metadata", async () => {
    const { service, store } = makeService();
    const text = new TextEncoder().encode("sha256sums\n");
    const r1 = await service.put("bkt", "rel/checksums.sha256", bodyOf(text));
    expect(r1).toMatchObject({ storageType: "direct", reason: "not-eligible" });
    const r2 = await service.put("bkt", "rel/empty.zip", bodyOf(new Uint8Array(0)));
    expect(r2).toMatchObject({ storageType: "direct", reason: "empty" });
    expect(await store.headObject("bkt", "rel/reference.bin")).toBeUndefined();
    expect((await store.headObject("bkt", "rel/checksums.sha256"))?.metadata).toMatchObject({
      "dg-compression": "none",
      "dg-original-name": "checksums.sha256",
      "dg-file-sha256": sha(text),
    });
    expect(await collectBytes((await service.get("bkt", "rel/empty.zip")).body)).toHaveLength(0);
  });

  it("records why each file went in whole (dg-direct-reason), and head tells it", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const cases = [
      ["rel/off.zip", v2, { delta: false }, "delta-disabled"],
      ["rel/notes.txt", v2, {}, "not-eligible"],
      ["rel/empty.zip", new Uint8Array(0), {}, "empty"],
      ["rel/other.zip", seededBytes(98, 40_000), {}, "max-ratio"],
    ] as const;
    for (const [key, bytes, options, reason] of cases) {
      const result = await service.put("bkt", key, bodyOf(bytes), options);
      expect(result, key).toMatchObject({ storageType: "direct", reason });
      const stored = await store.headObject("bkt", key);
      expect(stored?.metadata, key).toMatchObject({
        "dg-compression": "none",
        "dg-direct-reason": reason,
      });
      expect((await service.head("bkt", key)).directReason, key).toBe(reason);
    }
    // Deltas and references carry no reason.
    const delta = await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    expect(delta.reason).toBeUndefined();
    expect((await store.headObject("bkt", "rel/app-2.zip.delta"))?.metadata).not.toHaveProperty(
      "dg-direct-reason",
    );
    expect((await store.headObject("bkt", "rel/reference.bin"))?.metadata).not.toHaveProperty(
      "dg-direct-reason",
    );
  });

  it.each(["rel/reference.bin", "rel/x.zip.delta", "rel/"])(
    "refuses the reserved key %s",
    async (key) => {
      const { service, store } = makeService();
      const error = await caught(service.put("bkt", key, bodyOf(v1)));
      expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
      expect((await store.listObjects("bkt")).objects).toHaveLength(0);
    },
  );

  it("keeps user metadata beside the dg-* keys and returns it on read", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1), {
      metadata: { Owner: "ada" },
      contentType: "application/zip",
    });
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2), { metadata: { build: "7" } });
    expect((await service.head("bkt", "rel/app-1.zip")).metadata).toEqual({ owner: "ada" });
    expect((await service.get("bkt", "rel/app-2.zip")).info.metadata).toEqual({ build: "7" });
    expect((await service.head("bkt", "rel/app-1.zip")).contentType).toBe("application/zip");
  });

  it("notices a body that changes between reads", async () => {
    const { service, store } = makeService();
    let reads = 0;
    const error = await caught(
      service.put("bkt", "rel/app-1.zip", {
        async *open() {
          reads += 1;
          yield reads === 1 ? v1 : seededBytes(8, v1.length);
        },
      }),
    );
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect(await store.headObject("bkt", "rel/app-1.zip.delta")).toBeUndefined();
  });
});

describe("two clients creating a reference at once", () => {
  it("leave exactly one reference and both files read back intact", async () => {
    const { service, store } = makeService();
    // A second client: its own cache and scratch, the same store.
    const other = makeService({ store }).service;
    const a = concat(seededBytes(10, 30_000), seededBytes(11, 500));
    const b = concat(seededBytes(10, 30_000), seededBytes(12, 700));
    const [ra, rb] = await Promise.all([
      service.put("bkt", "race/a.zip", bodyOf(a)),
      other.put("bkt", "race/b.zip", bodyOf(b)),
    ]);
    expect([ra.storageType, rb.storageType].sort()).toEqual(["delta", "reference"]);
    const refs = (await store.listObjects("bkt", { prefix: "race/" })).objects.filter((o) =>
      o.key.endsWith("reference.bin"),
    );
    expect(refs).toHaveLength(1);
    const refSha = (await store.headObject("bkt", "race/reference.bin"))?.metadata[
      "dg-file-sha256"
    ];
    for (const [key, bytes] of [
      ["race/a.zip", a],
      ["race/b.zip", b],
    ] as const) {
      expect((await store.headObject("bkt", `${key}.delta`))?.metadata["dg-ref-sha256"]).toBe(
        refSha,
      );
      // Read through a third client with an empty cache.
      const reader = makeService({ store }).service;
      expect(sha(await collectBytes((await reader.get("bkt", key)).body))).toBe(sha(bytes));
    }
  });
});

describe("DeltaService.get", () => {
  it("fails with INTEGRITY when the rebuilt bytes do not match, returning nothing as good data", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    // Damage the delta's tail (the prefix codec stores it verbatim).
    const stored = await store.getObject("bkt", "rel/app-2.zip.delta");
    const bytes = (await collectBytes(stored.body)).slice();
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await store.putObject("bkt", "rel/app-2.zip.delta", bytes, { metadata: stored.info.metadata });
    const got = await service.get("bkt", "rel/app-2.zip");
    const error = await caught(collectBytes(got.body));
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect((error as Error).message).toContain("SHA-256 mismatch");
  });

  it("fails with INTEGRITY when the reference was replaced", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    const ref = await store.headObject("bkt", "rel/reference.bin");
    await store.putObject("bkt", "rel/reference.bin", seededBytes(5, 100), {
      metadata: ref?.metadata ?? {},
    });
    const reader = makeService({ store }).service;
    expect(hasCode(await caught(reader.get("bkt", "rel/app-2.zip")), "INTEGRITY")).toBe(true);
  });

  it("fails with INTEGRITY when a direct object was altered", async () => {
    const { service, store } = makeService();
    const text = new TextEncoder().encode("hello");
    await service.put("bkt", "notes.txt", bodyOf(text));
    const head = await store.headObject("bkt", "notes.txt");
    await store.putObject("bkt", "notes.txt", new TextEncoder().encode("HELLO"), {
      metadata: head?.metadata ?? {},
    });
    expect(
      hasCode(
        await caught(collectBytes((await service.get("bkt", "notes.txt")).body)),
        "INTEGRITY",
      ),
    ).toBe(true);
  });

  it("passes objects without deltaglider metadata through untouched", async () => {
    const { service, store } = makeService();
    const bytes = seededBytes(7, 1000);
    await store.putObject("bkt", "foreign/raw.zip", bytes);
    const got = await service.get("bkt", "foreign/raw.zip");
    expect(got.info.kind).toBe("foreign");
    expect(await collectBytes(got.body)).toEqual(bytes);
  });

  it("serves ranges of the original bytes", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    const got = await service.get("bkt", "rel/app-2.zip", {
      range: { start: 49_990, end: 50_009 },
    });
    expect(await collectBytes(got.body)).toEqual(v2.subarray(49_990, 50_010));
  });

  it("is NOT_FOUND for a missing key, and refuses folder keys", async () => {
    const { service } = makeService();
    expect(hasCode(await caught(service.get("bkt", "nope.zip")), "NOT_FOUND")).toBe(true);
    expect(hasCode(await caught(service.get("bkt", "dir/")), "INVALID_ARGUMENT")).toBe(true);
  });

  it("does not fetch the reference again while it is cached", async () => {
    const { service, store, cache } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    let referenceGets = 0;
    const counting = {
      ...store,
      async getObject(...args: Parameters<typeof store.getObject>) {
        if (args[1].endsWith("reference.bin")) referenceGets += 1;
        return store.getObject(...args);
      },
    };
    const second = makeService({ store: counting, cache }).service;
    await second.put("bkt", "rel/app-2.zip", bodyOf(v2));
    await collectBytes((await second.get("bkt", "rel/app-2.zip")).body);
    expect(referenceGets).toBe(0);
  });
});

describe("DeltaService.list", () => {
  it("hides references, shows original names and sizes", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    await service.put("bkt", "rel/notes.txt", bodyOf(new Uint8Array(3)));
    const page = await service.list("bkt", { prefix: "rel/" });
    expect(page.objects.map((o) => [o.key, o.size])).toEqual([
      ["rel/app-1.zip", v1.length],
      ["rel/app-2.zip", v2.length],
      ["rel/notes.txt", 3],
    ]);
    const fast = await service.list("bkt", { prefix: "rel/", originalSizes: false });
    expect(fast.objects.find((o) => o.key === "rel/app-2.zip")?.size).toBeLessThan(v2.length);
  });

  it("shows folders as common prefixes", async () => {
    const { service } = makeService();
    await service.put("bkt", "a/x.zip", bodyOf(v1));
    await service.put("bkt", "b/c/y.zip", bodyOf(v1));
    await service.put("bkt", "top.txt", bodyOf(new Uint8Array(1)));
    const page = await service.list("bkt", { delimiter: "/" });
    expect(page.commonPrefixes).toEqual(["a/", "b/"]);
    expect(page.objects.map((o) => o.key)).toEqual(["top.txt"]);
  });

  it("paginates past 1,000 keys", async () => {
    const { service, store } = makeService({ codec: createPrefixCodec() });
    const base = seededBytes(3, 200);
    await service.put("bkt", "many/f-0000.zip", bodyOf(base));
    const puts: Promise<unknown>[] = [];
    for (let i = 1; i < 2_345; i++) {
      puts.push(
        service.put(
          "bkt",
          `many/f-${String(i).padStart(4, "0")}.zip`,
          bodyOf(concat(base, new Uint8Array([i & 0xff]))),
        ),
      );
    }
    await Promise.all(puts);
    const keys: string[] = [];
    for await (const o of service.listAll("bkt", { prefix: "many/" })) keys.push(o.key);
    expect(keys).toHaveLength(2_345);
    expect(new Set(keys).size).toBe(2_345);
    expect(keys[2_344]).toBe("many/f-2344.zip");
    expect(
      (await store.listObjects("bkt", { prefix: "many/" })).nextContinuationToken,
    ).toBeDefined();
  });
});

describe("DeltaService.delete", () => {
  it("removes the reference only with the last delta of its deltaspace", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    await service.put("bkt", "rel/notes.txt", bodyOf(new Uint8Array(3)));
    await service.put("bkt", "rel/sub/app.zip", bodyOf(v1));
    const first = await service.delete("bkt", "rel/app-1.zip");
    expect(first.referenceDeleted).toBe(false);
    expect(await store.headObject("bkt", "rel/reference.bin")).toBeDefined();
    expect(sha(await collectBytes((await service.get("bkt", "rel/app-2.zip")).body))).toBe(sha(v2));
    const last = await service.delete("bkt", "rel/app-2.zip");
    expect(last.referenceDeleted).toBe(true);
    expect(last.deletedKeys).toEqual(["rel/app-2.zip.delta", "rel/reference.bin"]);
    expect(await store.headObject("bkt", "rel/sub/reference.bin")).toBeDefined();
    expect(await store.headObject("bkt", "rel/notes.txt")).toBeDefined();
  });

  it("is NOT_FOUND for a missing key and refuses to delete a reference by name", async () => {
    const { service } = makeService();
    expect(hasCode(await caught(service.delete("bkt", "nope.zip")), "NOT_FOUND")).toBe(true);
    await service.put("bkt", "rel/a.zip", bodyOf(v1));
    expect(
      hasCode(await caught(service.delete("bkt", "rel/reference.bin")), "INVALID_ARGUMENT"),
    ).toBe(true);
  });
});

describe("DeltaService.copy", () => {
  it("rebuilds the file and stores it again in the destination's deltaspace", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "src/app-1.zip", bodyOf(v1));
    await service.put("bkt", "src/app-2.zip", bodyOf(v2), { metadata: { build: "2" } });
    const result = await service.copy("bkt", "src/app-2.zip", "bkt", "dst/app-2.zip");
    expect(result.storageType).toBe("reference");
    expect((await store.headObject("bkt", "dst/reference.bin"))?.size).toBe(v2.length);
    const got = await service.get("bkt", "dst/app-2.zip");
    expect(got.info.metadata).toEqual({ build: "2" });
    expect(sha(await collectBytes(got.body))).toBe(sha(v2));
  });
});

describe("cancellation", () => {
  it("an aborted signal stops a put with CANCELLED and writes nothing", async () => {
    const { service, store } = makeService();
    const controller = new AbortController();
    controller.abort();
    expect(
      hasCode(
        await caught(service.put("bkt", "rel/a.zip", bodyOf(v1), { signal: controller.signal })),
        "CANCELLED",
      ),
    ).toBe(true);
    expect((await store.listObjects("bkt")).objects).toHaveLength(0);
  });
});

describe("codec errors", () => {
  it("a codec that fails mid-encode leaves no delta behind", async () => {
    const failing: DeltaCodec = {
      name: "failing",
      // biome-ignore lint/correctness/useYield: fails before yielding on purpose
      async *encode() {
        throw new Error("boom");
      },
      decode: createPrefixCodec().decode,
    };
    const { service, store } = makeService({ codec: failing });
    await caught(service.put("bkt", "rel/a.zip", bodyOf(v1)));
    expect(await store.headObject("bkt", "rel/a.zip.delta")).toBeUndefined();
  });
});

describe("delta formats", () => {
  it("records a codec's declared format as dg-delta-format, and nothing for plain deltas", async () => {
    const inner = createPrefixCodec();
    const marking: DeltaCodec = {
      name: "marking",
      encode(source, target, options) {
        options?.onFormat?.("test-format/1");
        return inner.encode(source, target, options);
      },
      decode: inner.decode,
    };
    const { service, store } = makeService({ codec: marking });
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    expect(
      (await store.headObject("bkt", "rel/app-2.zip.delta"))?.metadata["dg-delta-format"],
    ).toBe("test-format/1");
    const plain = makeService();
    await plain.service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await plain.service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    expect(
      (await plain.store.headObject("bkt", "rel/app-2.zip.delta"))?.metadata["dg-delta-format"],
    ).toBeUndefined();
  });
});

describe("handles", () => {
  it("a delta body that is never read holds no reference open; a read one closes it", async () => {
    const { service, store, cache } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2));
    let open = 0;
    const track = <T extends { close(): Promise<void> } | undefined>(source: T): T => {
      if (!source) return source;
      open += 1;
      const close = source.close.bind(source);
      return Object.assign(source, {
        close: async () => {
          open -= 1;
          await close();
        },
      });
    };
    const counting = {
      get: async (sha256: string) => track(await cache.get(sha256)),
      put: async (sha256: string, body: Parameters<typeof cache.put>[1]) =>
        track(await cache.put(sha256, body)),
      delete: (sha256: string) => cache.delete(sha256),
    };
    const reader = makeService({ store, cache: counting }).service;
    await reader.get("bkt", "rel/app-2.zip");
    expect(open).toBe(0);
    const got = await reader.get("bkt", "rel/app-2.zip");
    expect(sha(await collectBytes(got.body))).toBe(sha(v2));
    expect(open).toBe(0);
  });
});

describe("a delete racing an upload in the same folder", () => {
  /** A store that runs `hook` once, right after an upload looked at the folder's reference. */
  function hookedStore() {
    const { store } = makeService();
    let hook: (() => Promise<void>) | undefined;
    const hooked: typeof store = {
      ...store,
      async headObject(bucket, key, options) {
        const result = await store.headObject(bucket, key, options);
        if (hook && key === "d/reference.bin") {
          const run = hook;
          hook = undefined;
          await run();
        }
        return result;
      },
    };
    return { store: hooked, setHook: (h: () => Promise<void>) => (hook = h) };
  }
  const other = seededBytes(9, 60_000);

  it("the upload puts a deleted reference back, and its file reads back", async () => {
    const { store, setHook } = hookedStore();
    const a = makeService({ store }).service;
    const b = makeService({ store }).service;
    await a.put("bkt", "d/v1.zip", bodyOf(v1));
    setHook(async () => {
      await b.delete("bkt", "d/v1.zip");
    });
    const result = await a.put("bkt", "d/v2.zip", bodyOf(v2));
    expect(result.storageType).toBe("delta");
    const reader = makeService({ store }).service;
    expect(sha(await collectBytes((await reader.get("bkt", "d/v2.zip")).body))).toBe(sha(v2));
  });

  it("when another reference took the folder meanwhile, the upload stores its file directly", async () => {
    const { store, setHook } = hookedStore();
    const a = makeService({ store }).service;
    const b = makeService({ store }).service;
    await a.put("bkt", "d/v1.zip", bodyOf(v1));
    setHook(async () => {
      await b.delete("bkt", "d/v1.zip");
      await b.put("bkt", "d/other.zip", bodyOf(other));
    });
    const result = await a.put("bkt", "d/v2.zip", bodyOf(v2));
    expect(result).toMatchObject({ storageType: "direct", reason: "reference-changed" });
    expect((await store.headObject("bkt", "d/v2.zip"))?.metadata["dg-direct-reason"]).toBe(
      "reference-changed",
    );
    const reader = makeService({ store }).service;
    for (const [key, bytes] of [
      ["d/v2.zip", v2],
      ["d/other.zip", other],
    ] as const) {
      expect(sha(await collectBytes((await reader.get("bkt", key)).body))).toBe(sha(bytes));
    }
    expect(await store.headObject("bkt", "d/v2.zip.delta")).toBeUndefined();
  });

  it("a delete that sees a delta arrive while it removes the reference puts the reference back", async () => {
    const { store } = makeService();
    const a = makeService({ store }).service;
    await a.put("bkt", "d/v1.zip", bodyOf(v1));
    // Another client writes a delta (a copy of v1's) exactly when the deleter removes the reference.
    const writer = makeService({ store }).service;
    const early = await store.getObject("bkt", "d/v1.zip.delta");
    const lateDelta = await collectBytes(early.body);
    const racing: typeof store = {
      ...store,
      async deleteObject(bucket, key, options) {
        await store.deleteObject(bucket, key, options);
        if (key === "d/reference.bin") {
          await store.putObject(bucket, "d/late.zip.delta", lateDelta, {
            metadata: early.info.metadata,
          });
        }
      },
    };
    const deleter = makeService({ store: racing }).service;
    const result = await deleter.delete("bkt", "d/v1.zip");
    expect(result.referenceDeleted).toBe(false);
    expect(await store.headObject("bkt", "d/reference.bin")).toBeDefined();
    expect(sha(await collectBytes((await writer.get("bkt", "d/late.zip")).body))).toBe(sha(v1));
    // Nothing left set aside (the object-facts index has its own folder beside it).
    expect(
      (await store.listObjects("bkt", { prefix: ".deltaglider/trash/" })).objects,
    ).toHaveLength(0);
  });
});

describe("a direct overwrite of the last delta", () => {
  it("removes the reference nothing needs any more", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "o/a.zip", bodyOf(v1));
    await service.put("bkt", "o/a.zip", bodyOf(v2), { delta: false });
    expect(await store.headObject("bkt", "o/reference.bin")).toBeUndefined();
    expect(sha(await collectBytes((await service.get("bkt", "o/a.zip")).body))).toBe(sha(v2));
  });
});

describe("foreign objects named like ours", () => {
  it("a reference.bin or x.delta without deltaglider metadata is listed, read and deleted as it is", async () => {
    const { service, store } = makeService();
    const a = seededBytes(21, 100);
    const b = seededBytes(22, 200);
    await store.putObject("bkt", "plain/reference.bin", a);
    await store.putObject("bkt", "plain/notes.delta", b);
    const page = await service.list("bkt", { prefix: "plain/" });
    expect(page.objects.map((o) => [o.key, o.size, o.isDelta])).toEqual([
      ["plain/notes.delta", 200, false],
      ["plain/reference.bin", 100, false],
    ]);
    expect(await collectBytes((await service.get("bkt", "plain/reference.bin")).body)).toEqual(a);
    expect(await collectBytes((await service.get("bkt", "plain/notes.delta")).body)).toEqual(b);
    await service.delete("bkt", "plain/reference.bin");
    expect(await store.headObject("bkt", "plain/reference.bin")).toBeUndefined();
  });
});

describe("DeltaService.deleteMany, one outcome per key", () => {
  /** A memory store whose multi-delete fails the chosen stored keys (and deletes the rest). */
  function failingStore(
    failKeys: ReadonlySet<string>,
    failHeadKeys: ReadonlySet<string> = new Set(),
  ) {
    const { store } = makeService();
    const failing: typeof store = {
      ...store,
      async headObject(bucket, key, options) {
        if (failHeadKeys.has(key)) throw new UnavailableError(`injected HEAD failure: ${key}`);
        return store.headObject(bucket, key, options);
      },
      async deleteObjects(bucket, keys, options) {
        const result = await store.deleteObjects(
          bucket,
          keys.filter((key) => !failKeys.has(key)),
          options,
        );
        return {
          deleted: result.deleted,
          errors: keys
            .filter((key) => failKeys.has(key))
            .map((key) => ({ key, error: new PermissionDeniedError(`injected: ${key}`) })),
        };
      },
    };
    return { store: failing, raw: store };
  }

  it("deletes every other key when one fails, and keeps the reference the failed delta needs", async () => {
    const { store } = failingStore(new Set(["a/v2.zip.delta"]));
    const { service } = makeService({ store });
    await service.put("bkt", "a/v1.zip", bodyOf(v1));
    await service.put("bkt", "a/v2.zip", bodyOf(v2));
    await service.put("bkt", "b/v1.zip", bodyOf(v1));
    await service.put("bkt", "b/notes.txt", bodyOf(seededBytes(4, 100)));
    const result = await service.deleteMany("bkt", [
      "a/v1.zip",
      "a/v2.zip",
      "b/v1.zip",
      "b/notes.txt",
      "nope.zip",
    ]);
    expect(result.failed.map((f) => f.key)).toEqual(["a/v2.zip"]);
    expect(hasCode(result.failed[0]?.error, "PERMISSION_DENIED")).toBe(true);
    expect(result.missing).toEqual(["nope.zip"]);
    expect([...result.deletedKeys].sort()).toEqual(
      ["a/v1.zip.delta", "b/notes.txt", "b/reference.bin", "b/v1.zip.delta"].sort(),
    );
    // a/v2.zip still reads back: its reference stayed.
    expect(await store.headObject("bkt", "a/reference.bin")).toBeDefined();
    expect(sha(await collectBytes((await service.get("bkt", "a/v2.zip")).body))).toBe(sha(v2));
    expect(await store.headObject("bkt", "b/reference.bin")).toBeUndefined();
  });

  it("a HEAD failure or a reference named by key fails only that key", async () => {
    const { store } = failingStore(new Set(), new Set(["a/v2.zip"]));
    const { service } = makeService({ store });
    await service.put("bkt", "a/v1.zip", bodyOf(v1));
    await service.put("bkt", "a/v2.zip", bodyOf(v2));
    await service.put("bkt", "c/v1.zip", bodyOf(v1));
    const result = await service.deleteMany("bkt", ["a/v1.zip", "a/v2.zip", "c/reference.bin"]);
    expect(result.failed.map((f) => [f.key, (f.error as { code?: string }).code])).toEqual([
      ["a/v2.zip", "UNAVAILABLE"],
      ["c/reference.bin", "INVALID_ARGUMENT"],
    ]);
    expect(result.deletedKeys).toEqual(["a/v1.zip.delta"]);
    expect(result.referenceDeleted).toBe(false);
    expect(await store.headObject("bkt", "a/v2.zip.delta")).toBeDefined();
    expect(await store.headObject("bkt", "c/reference.bin")).toBeDefined();
  });

  it("a failed multi-delete request fails its keys, not the call", async () => {
    const { store: base } = makeService();
    const store: typeof base = {
      ...base,
      async deleteObjects() {
        throw new UnavailableError("injected: the whole request failed");
      },
    };
    const { service } = makeService({ store });
    await service.put("bkt", "a/v1.zip", bodyOf(v1));
    await service.put("bkt", "a/n.txt", bodyOf(seededBytes(5, 10)));
    const result = await service.deleteMany("bkt", ["a/v1.zip", "a/n.txt"]);
    expect(result.failed.map((f) => f.key).sort()).toEqual(["a/n.txt", "a/v1.zip"]);
    expect(result.deletedKeys).toEqual([]);
    expect(await store.headObject("bkt", "a/reference.bin")).toBeDefined();
  });

  it("delete of one key throws that key's own error", async () => {
    const { store } = failingStore(new Set(["a/v1.zip.delta"]));
    const { service } = makeService({ store });
    await service.put("bkt", "a/v1.zip", bodyOf(v1));
    expect(hasCode(await caught(service.delete("bkt", "a/v1.zip")), "PERMISSION_DENIED")).toBe(
      true,
    );
  });
});
