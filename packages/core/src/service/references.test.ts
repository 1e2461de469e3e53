import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, collectBytes, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import type { ObjectStore } from "../ports/object-store.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
// The memory harness's prefix codec makes a delta of everything after the first difference,
// so a change at the start of a file gives a delta as large as the file.
const v1 = seededBytes(1, 60_000);
const withHead = (base: Uint8Array, seed: number, length = 200) => {
  const out = base.slice();
  out.set(seededBytes(seed, length));
  return out;
};
const withTail = (base: Uint8Array, seed: number) => {
  const out = base.slice();
  out.set(seededBytes(seed, 500), base.length - 500);
  return out;
};
const extraKeyOf = (bytes: Uint8Array) => `rel/.dg-refs/${sha(bytes).slice(0, 16)}/reference.bin`;

describe("several references per folder", () => {
  const w = withHead(v1, 2); // drifted from v1: shares most chunks, but not its start
  const w2 = withTail(w, 3); // a small change of w

  it("makes a drifted file a new reference under .dg-refs/ and encodes the next against it", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const second = await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    expect(second).toMatchObject({ storageType: "reference", referenceKey: extraKeyOf(w) });
    const extra = await store.headObject("bkt", extraKeyOf(w));
    expect(extra?.size).toBe(w.length);
    expect(extra?.metadata["dg-file-sha256"]).toBe(sha(w));
    expect(extra?.metadata["dg-sketch"]).toMatch(/^1:/);
    // The folder's reference.bin is untouched.
    expect((await store.headObject("bkt", "rel/reference.bin"))?.metadata["dg-file-sha256"]).toBe(
      sha(v1),
    );

    const third = await service.put("bkt", "rel/app-3.zip", bodyOf(w2));
    expect(third).toMatchObject({ storageType: "delta", referenceKey: extraKeyOf(w) });
    expect(third.storedSize).toBeLessThan(1_000);
    for (const [key, bytes] of [
      ["rel/app-1.zip", v1],
      ["rel/app-2.zip", w],
      ["rel/app-3.zip", w2],
    ] as const) {
      const got = await service.get("bkt", key);
      expect(sha(await collectBytes(got.body))).toBe(sha(bytes));
    }
    expect((await service.head("bkt", "rel/app-3.zip")).referenceKey).toBe(extraKeyOf(w));
  });

  it("never lists extra references, with or without a delimiter", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    const flat = await service.list("bkt", { prefix: "rel/", delimiter: "/" });
    expect(flat.commonPrefixes).toEqual([]);
    expect(flat.objects.map((o) => o.key)).toEqual(["rel/app-1.zip", "rel/app-2.zip"]);
    for (const originalSizes of [true, false]) {
      const deep = await service.list("bkt", { prefix: "rel/", originalSizes });
      expect(deep.objects.map((o) => o.key)).toEqual(["rel/app-1.zip", "rel/app-2.zip"]);
    }
  });

  it("refuses user keys inside a .dg-refs/ folder", async () => {
    const { service } = makeService();
    await expect(service.put("bkt", "rel/.dg-refs/x/app.zip", bodyOf(v1))).rejects.toThrow(
      /reserved/,
    );
  });

  it("deletes each reference with the last delta that names it", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    await service.put("bkt", "rel/app-3.zip", bodyOf(w2));
    const other = withHead(v1, 9, 300);
    await service.put("bkt", "rel/app-4.zip", bodyOf(other));
    expect(await store.headObject("bkt", extraKeyOf(other))).toBeDefined();

    // app-3 goes: app-2's zero-diff delta still needs w's reference.
    expect((await service.delete("bkt", "rel/app-3.zip")).referenceDeleted).toBe(false);
    expect(await store.headObject("bkt", extraKeyOf(w))).toBeDefined();
    // app-2 goes: w's reference goes with it, the others stay.
    const second = await service.delete("bkt", "rel/app-2.zip");
    expect(second.deletedKeys).toContain(extraKeyOf(w));
    expect(await store.headObject("bkt", extraKeyOf(w))).toBeUndefined();
    expect(await store.headObject("bkt", extraKeyOf(other))).toBeDefined();
    expect(await store.headObject("bkt", "rel/reference.bin")).toBeDefined();
    // The folder's reference.bin stays while any delta is left, even one using another reference.
    await service.delete("bkt", "rel/app-1.zip");
    expect(await store.headObject("bkt", "rel/reference.bin")).toBeDefined();
    expect(sha(await collectBytes((await service.get("bkt", "rel/app-4.zip")).body))).toBe(
      sha(other),
    );
    const last = await service.delete("bkt", "rel/app-4.zip");
    expect(last.deletedKeys).toEqual(
      expect.arrayContaining([extraKeyOf(other), "rel/reference.bin"]),
    );
    const left = await store.listObjects("bkt", { prefix: "rel/" });
    expect(left.objects).toEqual([]);
  });

  it("with maxReferences 1 keeps the single reference (a drifted file goes in whole)", async () => {
    const { service, store } = makeService({ maxReferences: 1 });
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const second = await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    expect(second).toMatchObject({ storageType: "direct", reason: "max-ratio" });
    expect((await store.listObjects("bkt", { prefix: "rel/.dg-refs/" })).objects).toEqual([]);
  });

  it("at the cap, retires an unused reference, and otherwise makes no new one", async () => {
    const { service, store } = makeService({ maxReferences: 2 });
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    // Every reference is in use: the next drifted file cannot become one.
    const x = withHead(v1, 20, 300);
    const full = await service.put("bkt", "rel/app-3.zip", bodyOf(x));
    expect(full).toMatchObject({ storageType: "direct", reason: "max-ratio" });
    // app-2 is overwritten by a file that deltas against reference.bin: w's reference is unused.
    await service.put("bkt", "rel/app-2.zip", bodyOf(withTail(v1, 21)));
    expect(await store.headObject("bkt", extraKeyOf(w))).toBeDefined();
    const room = await service.put("bkt", "rel/app-4.zip", bodyOf(x));
    expect(room).toMatchObject({ storageType: "reference", referenceKey: extraKeyOf(x) });
    expect(await store.headObject("bkt", extraKeyOf(w))).toBeUndefined();
  });

  it("honours a per-call new-reference ratio", async () => {
    const { service } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    const tail = withTail(v1, 30); // a delta of about 1% of the file
    const kept = await service.put("bkt", "rel/app-2.zip", bodyOf(tail));
    expect(kept.storageType).toBe("delta");
    const strict = await service.put("bkt", "rel/app-3.zip", bodyOf(withTail(v1, 31)), {
      newReferenceRatio: 0.001,
    });
    expect(strict.storageType).toBe("reference");
  });

  it("puts an extra reference back, metadata and all, when a delete removed it mid-upload", async () => {
    const memory = createMemoryObjectStore({ buckets: ["bkt"] });
    // The extra reference is deleted (as by another client's delete) while app-3's delta is written.
    const store: ObjectStore = {
      ...memory,
      async putObject(bucket, key, body, options) {
        const result = await memory.putObject(bucket, key, body, options);
        if (key === "rel/app-3.zip.delta") await memory.deleteObject(bucket, extraKeyOf(w));
        return result;
      },
    };
    const { service } = makeService({ store });
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    const before = await memory.headObject("bkt", extraKeyOf(w));
    const third = await service.put("bkt", "rel/app-3.zip", bodyOf(w2));
    expect(third.referenceKey).toBe(extraKeyOf(w));
    const restored = await memory.headObject("bkt", extraKeyOf(w));
    expect(restored?.metadata).toEqual(before?.metadata);
    const reader = makeService({ store: memory }).service;
    expect(sha(await collectBytes((await reader.get("bkt", "rel/app-3.zip")).body))).toBe(sha(w2));
  });

  it("a recursive delete keeps the extra references that the files it leaves need", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(w));
    await service.put("bkt", "rel/app-3.zip", bodyOf(w2));
    const result = await service.deleteRecursive("bkt", "rel/", {
      filter: (key) => key !== "app-3.zip",
    });
    expect(result.failed).toEqual([]);
    expect(await store.headObject("bkt", extraKeyOf(w))).toBeDefined();
    expect(sha(await collectBytes((await service.get("bkt", "rel/app-3.zip")).body))).toBe(sha(w2));
    await service.deleteRecursive("bkt", "rel/");
    expect((await store.listObjects("bkt", { prefix: "rel/" })).objects).toEqual([]);
  });
});
