import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, collectBytes, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import type { ObjectStore } from "../ports/object-store.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
// With the harness's prefix codec a change at the start of a file costs the whole file, a
// change at its end only that end.
const v1 = seededBytes(1, 60_000);
const withHead = (base: Uint8Array, seed: number) => {
  const out = base.slice();
  out.set(seededBytes(seed, 200), 100); // a delta of just under the whole file
  return out;
};
const withTail = (base: Uint8Array, seed: number) => {
  const out = base.slice();
  out.set(seededBytes(seed, 500), base.length - 500);
  return out;
};
const v2 = withHead(v1, 2);
const v3 = withTail(v2, 3);
const v4 = withTail(v3, 4);
const files = { "rel/a-1.zip": v1, "rel/a-2.zip": v2, "rel/a-3.zip": v3, "rel/a-4.zip": v4 };

/** A folder written with one reference only: every later delta is as large as its file. */
async function singleReferenceFolder(): Promise<ObjectStore> {
  const store = createMemoryObjectStore({ buckets: ["bkt"] });
  for (const [minute, [key, bytes]] of Object.entries(files).entries()) {
    const clock = { now: () => new Date(Date.UTC(2026, 0, 1, 0, minute)) };
    const { service } = makeService({ store, maxReferences: 1, maxRatio: 1, clock });
    await service.put("bkt", key, bodyOf(bytes));
  }
  return store;
}

async function snapshot(store: ObjectStore) {
  const page = await store.listObjects("bkt", { prefix: "rel/" });
  return page.objects.map((o) => [o.key, o.size, o.etag]);
}

describe("rebase", () => {
  it("projects the savings of extra references without writing anything", async () => {
    const store = await singleReferenceFolder();
    const before = await snapshot(store);
    const { service } = makeService({ store });
    const plan = await service.rebase("bkt", "rel/");
    expect(plan.applied).toBe(false);
    expect(plan.storedBytesAfter).toBeLessThan(plan.storedBytesBefore * 0.75);
    expect(plan.files.map((f) => [f.key, f.action])).toEqual([
      ["rel/a-1.zip", "kept"],
      ["rel/a-2.zip", "new-reference"],
      ["rel/a-3.zip", "re-encoded"],
      ["rel/a-4.zip", "re-encoded"],
    ]);
    expect(plan.referencesAfter).toBe(2);
    expect(await snapshot(store)).toEqual(before);
  });

  it("with apply, writes what it projected and every file reads back", async () => {
    const store = await singleReferenceFolder();
    const { service } = makeService({ store });
    const plan = await service.rebase("bkt", "rel/");
    const seen: string[] = [];
    const done = await service.rebase("bkt", "rel/", {
      apply: true,
      onFile: (f) => seen.push(f.key),
    });
    expect(done.applied).toBe(true);
    expect(done.storedBytesAfter).toBe(plan.storedBytesAfter);
    expect(seen).toEqual(Object.keys(files));
    const stored = (await store.listObjects("bkt", { prefix: "rel/" })).objects;
    expect(stored.reduce((n, o) => n + o.size, 0)).toBe(done.storedBytesAfter);
    const reader = makeService({ store }).service; // a fresh cache: references from the store
    for (const [key, bytes] of Object.entries(files)) {
      expect(sha(await collectBytes((await reader.get("bkt", key)).body))).toBe(sha(bytes));
    }
    // A second run finds nothing to improve.
    const again = await service.rebase("bkt", "rel/", { apply: true });
    expect(again.files.every((f) => f.action === "kept")).toBe(true);
    expect(again.storedBytesAfter).toBe(done.storedBytesAfter);
  });

  it("removes references that no delta names after the re-encoding", async () => {
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({ store });
    await service.put("bkt", "rel/a-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/a-2.zip", bodyOf(v2)); // a new reference
    // a-2 is replaced by a file close to v1: v2's reference is named by nothing.
    await service.put("bkt", "rel/a-2.zip", bodyOf(withTail(v1, 9)));
    const unused = `rel/.dg-refs/${sha(v2).slice(0, 16)}/reference.bin`;
    expect(await store.headObject("bkt", unused)).toBeDefined();
    const done = await service.rebase("bkt", "rel/", { apply: true });
    expect(done.removedReferences).toEqual([unused]);
    expect(await store.headObject("bkt", unused)).toBeUndefined();
  });

  it("keeps user metadata, content type and tags of a re-encoded delta", async () => {
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    const single = makeService({ store, maxReferences: 1, maxRatio: 1 }).service;
    await single.put("bkt", "rel/a-1.zip", bodyOf(v1));
    await single.put("bkt", "rel/a-2.zip", bodyOf(v2));
    await single.put("bkt", "rel/a-3.zip", bodyOf(v3), {
      metadata: { owner: "ci" },
      contentType: "application/zip",
      tags: { stage: "beta" },
    });
    const { service } = makeService({ store });
    await service.rebase("bkt", "rel/", { apply: true });
    const info = await service.head("bkt", "rel/a-3.zip");
    expect(info.referenceKey).toMatch(/\.dg-refs\//);
    expect(info).toMatchObject({ metadata: { owner: "ci" }, contentType: "application/zip" });
    expect(await service.getTagging("bkt", "rel/a-3.zip")).toEqual({ stage: "beta" });
  });

  it("refuses a prefix that is not a folder", async () => {
    const { service } = makeService();
    await expect(service.rebase("bkt", "rel")).rejects.toThrow(/Not a folder/);
  });
});
