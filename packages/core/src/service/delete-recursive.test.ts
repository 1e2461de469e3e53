import { describe, expect, it } from "vitest";
import { bodyOf, concat, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { failingDeletes } from "../memory/failing-deletes.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import type { ObjectStore } from "../ports/object-store.js";
import type { DeleteRecursiveBatch } from "./types.js";

const base = seededBytes(51, 40_000);
/** Files that share the reference's start, so the prefix codec stores them as small deltas. */
const version = (n: number) => concat(base, seededBytes(60 + n, 200));

/** The bucket's stored keys, deltaglider's own `.deltaglider/` (the object-facts index) aside. */
async function storedKeys(store: ObjectStore): Promise<string[]> {
  return (await store.listObjects("bkt")).objects
    .map((o) => o.key)
    .filter((key) => !key.startsWith(".deltaglider/"))
    .sort();
}

async function seed(store?: ObjectStore) {
  const made = makeService(store ? { store } : {});
  const put = (key: string, bytes: Uint8Array) => made.service.put("bkt", key, bodyOf(bytes));
  await put("rel/app-1.zip", version(1));
  await put("rel/app-2.zip", version(2));
  await put("rel/app-2.zip.sig", seededBytes(70, 64));
  await put("rel/old/app-0.zip", version(3));
  await put("release-notes/app-1.zip", version(4));
  await put("other/app-1.zip", version(5));
  return made;
}

describe("DeltaService.deleteRecursive", () => {
  it("deletes a folder and its sub-folders with their references, and nothing beside it", async () => {
    const { service, store } = await seed();
    const batches: DeleteRecursiveBatch[] = [];
    const result = await service.deleteRecursive("bkt", "rel", {
      onBatch: (batch) => batches.push(batch),
    });
    expect(result.prefix).toBe("rel/");
    expect([...result.deleted].sort()).toEqual([
      "rel/app-1.zip",
      "rel/app-2.zip",
      "rel/app-2.zip.sig",
      "rel/old/app-0.zip",
    ]);
    expect([...result.referencesDeleted].sort()).toEqual([
      "rel/old/reference.bin",
      "rel/reference.bin",
    ]);
    expect(result.failed).toEqual([]);
    expect(batches.flatMap((b) => b.deleted).sort()).toEqual([...result.deleted].sort());
    expect(await storedKeys(store)).toEqual([
      "other/app-1.zip.delta",
      "other/reference.bin",
      "release-notes/app-1.zip.delta",
      "release-notes/reference.bin",
    ]);
  });

  it("keeps what the filter excludes, and the reference those files need", async () => {
    const { service, store } = await seed();
    const result = await service.deleteRecursive("bkt", "rel/", {
      filter: (relative) => relative !== "app-2.zip",
    });
    expect([...result.deleted].sort()).toEqual([
      "rel/app-1.zip",
      "rel/app-2.zip.sig",
      "rel/old/app-0.zip",
    ]);
    expect(await storedKeys(store)).toContain("rel/reference.bin");
    expect(await storedKeys(store)).toContain("rel/app-2.zip.delta");
    expect(await storedKeys(store)).not.toContain("rel/old/reference.bin");
  });

  it("removes a reference under the prefix that no delta needs (an orphan left by another tool)", async () => {
    const { service, store } = await seed();
    await store.putObject("bkt", "rel/empty/reference.bin", seededBytes(71, 100), {
      metadata: { "dg-file-sha256": "0".repeat(64), "dg-note": "reference" },
    });
    await store.putObject("bkt", "stray/reference.bin", seededBytes(72, 100), {
      metadata: { "dg-file-sha256": "1".repeat(64), "dg-note": "reference" },
    });
    const result = await service.deleteRecursive("bkt", "rel/");
    expect(result.referencesDeleted).toContain("rel/empty/reference.bin");
    const left = await storedKeys(store);
    expect(left.filter((key) => key.startsWith("rel/"))).toEqual([]);
    expect(left).toContain("stray/reference.bin");
  });

  it("lists and deletes nothing in a dry run", async () => {
    const { service, store } = await seed();
    const before = await storedKeys(store);
    const result = await service.deleteRecursive("bkt", "rel/", { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.deleted).toHaveLength(4);
    expect(await storedKeys(store)).toEqual(before);
  });

  it("reports a key whose delete fails and keeps the reference its delta needs", async () => {
    const store = failingDeletes(createMemoryObjectStore({ buckets: ["bkt"] }), [
      "rel/app-2.zip.delta",
    ]);
    const { service } = await seed(store);
    const result = await service.deleteRecursive("bkt", "rel/");
    expect(result.failed.map((f) => f.key)).toEqual(["rel/app-2.zip"]);
    expect(result.failed[0]?.error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(result.deleted).not.toContain("rel/app-2.zip");
    expect(await storedKeys(store)).toEqual(
      expect.arrayContaining(["rel/app-2.zip.delta", "rel/reference.bin"]),
    );
    expect(await storedKeys(store)).not.toContain("rel/old/reference.bin");
  });

  it("empties the whole bucket with the empty prefix", async () => {
    const { service, store } = await seed();
    const result = await service.deleteRecursive("bkt", "");
    expect(result.deleted).toHaveLength(6);
    expect(await storedKeys(store)).toEqual([]);
  });
});
