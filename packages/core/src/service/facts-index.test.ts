import { describe, expect, it } from "vitest";
import { bodyOf, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { FACTS_PREFIX, factsFolderPrefixFor } from "../domain/internal-folder.js";
import { createBucketMaintenance } from "../maintenance/bucket-maintenance.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import { createSha256Hasher } from "../memory/sha256-hasher.js";
import type { ObjectStore } from "../ports/object-store.js";
import { PermissionDeniedError } from "../errors.js";
import { collectBytes } from "../util/bytes.js";
import { createFactsIndex, factsFolderId, parseFactsDocument } from "./facts-index.js";

const hasher = createSha256Hasher();

/** Versions changed near their end (the prefix test codec's deltas are then small). */
function version(i: number): Uint8Array {
  const bytes = seededBytes(77, 5000);
  bytes[4999 - i] = (bytes[4999 - i] as number) ^ 0xff;
  return bytes;
}

function counting(store: ObjectStore) {
  const heads: string[] = [];
  const wrapped: ObjectStore = {
    ...store,
    async headObject(bucket, key, options) {
      heads.push(key);
      return store.headObject(bucket, key, options);
    },
  };
  return { store: wrapped, heads };
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  return (await store.listObjects("bkt", { prefix })).objects.map((o) => o.key).sort();
}

async function listedSizes(store: ObjectStore, prefix = "") {
  const { service } = makeService({ store });
  const out: string[] = [];
  for await (const o of service.listAll("bkt", { prefix })) out.push(`${o.key} ${o.size}`);
  return out;
}

/** The store with its listings and GETs recorded. */
function recording(store: ObjectStore) {
  const lists: string[] = [];
  const gets: string[] = [];
  const heads: string[] = [];
  const wrapped: ObjectStore = {
    ...store,
    async listObjects(bucket, options = {}) {
      lists.push(options.prefix ?? "");
      return store.listObjects(bucket, options);
    },
    async getObject(bucket, key, options) {
      gets.push(key);
      return store.getObject(bucket, key, options);
    },
    async headObject(bucket, key, options) {
      heads.push(key);
      return store.headObject(bucket, key, options);
    },
  };
  return { store: wrapped, lists, gets, heads };
}

describe("the object-facts index", () => {
  it("keeps the folders it read within an entry budget (at least two folders)", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({ store: raw });
    for (const f of ["a", "b", "c", "d"]) {
      for (let i = 0; i < 3; i += 1)
        await service.put("bkt", `${f}/app-${i}.zip`, bodyOf(version(i)));
    }
    const listed = (await raw.listObjects("bkt", {})).objects.filter((o) =>
      o.key.endsWith(".delta"),
    );
    const gets = async (cachedEntries: number) => {
      const reader = recording(raw);
      const index = createFactsIndex({ store: reader.store, hasher, cachedEntries });
      // Each folder holds 4 entries (3 deltas and the reference); a, b, c, d, then a again.
      for (const object of [...listed, listed[0]]) {
        expect(await index.lookup("bkt", object as (typeof listed)[number])).toBeDefined();
      }
      return reader.gets.filter((k) => k.startsWith(FACTS_PREFIX)).length;
    };
    // Room for every folder: each document read once.
    expect(await gets(100)).toBe(4);
    // Room for two folders' entries: "a" was let go of and is read again.
    expect(await gets(8)).toBe(5);
  });

  it("counts what it records into folders read against the entry budget", async () => {
    const rereadsOfA = async (cachedEntries: number) => {
      const reader = recording(createMemoryObjectStore({ buckets: ["bkt"] }));
      const index = createFactsIndex({
        store: reader.store,
        hasher,
        cachedEntries,
        catalogAfter: Number.POSITIVE_INFINITY,
      });
      // Folders without documents (a bucket no deltaglider wrote), filled as a listing that
      // HEADs them does.
      for (const f of ["a", "b", "c"]) {
        await index.folder("bkt", f);
        for (let i = 0; i < 3; i += 1) {
          index.record("bkt", {
            key: `${f}/x${i}.zip.delta`,
            etag: '"e"',
            storedSize: 1,
            name: `x${i}.zip`,
            size: 1,
            kind: "delta",
          });
        }
        await index.flush();
      }
      await index.folder("bkt", "a");
      const prefixOfA = factsFolderPrefixFor(factsFolderId(hasher, "a"));
      return reader.lists.filter((prefix) => prefix === prefixOfA).length;
    };
    // Room for all: "a" is still held.
    expect(await rereadsOfA(100)).toBe(1);
    // Nine entries recorded against a budget of four: "a" was let go of and is read again.
    expect(await rereadsOfA(4)).toBe(2);
  });

  it("keeps its own documents within the entry budget too (written ones go)", async () => {
    const documentsOfA = async (cachedEntries: number) => {
      const raw = createMemoryObjectStore({ buckets: ["bkt"] });
      const index = createFactsIndex({ store: raw, hasher, writerId: "w", cachedEntries });
      const record = (key: string) =>
        index.record("bkt", {
          key,
          etag: `"${key}"`,
          storedSize: 1,
          name: key,
          size: 1,
          kind: "delta",
        });
      for (const f of ["a", "b", "c"]) {
        for (let i = 0; i < 3; i += 1) record(`${f}/x${i}.zip.delta`);
        await index.flush();
      }
      // Back in "a": a document let go of is complete as written; a new one is started.
      record("a/late.zip.delta");
      await index.flush();
      return keysUnder(raw, factsFolderPrefixFor(factsFolderId(hasher, "a")));
    };
    const folderA = factsFolderPrefixFor(factsFolderId(hasher, "a"));
    expect(await documentsOfA(4096)).toEqual([`${folderA}w.json`]);
    expect(await documentsOfA(4)).toEqual([`${folderA}w-1.json`, `${folderA}w.json`]);
  });

  it("after a few folders, lists the index's documents once instead of once per folder", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({ store: raw });
    const folders = Array.from({ length: 9 }, (_, f) => `f${f}`);
    for (const f of folders) {
      for (let i = 0; i < 2; i += 1)
        await service.put("bkt", `${f}/app-${i}.zip`, bodyOf(version(i)));
    }
    // Replaced behind the index's back (same size, another ETag): an entry no longer trusted.
    const head = await raw.headObject("bkt", "f7/app-1.zip.delta");
    const stale = await raw.getObject("bkt", "f7/app-1.zip.delta");
    const bytes = await collectBytes(stale.body);
    bytes[0] = (bytes[0] as number) ^ 1;
    await raw.putObject("bkt", "f7/app-1.zip.delta", bytes, {
      metadata: { ...head?.metadata, "dg-file-size": "4242" },
    });
    const reader = recording(raw);
    const index = createFactsIndex({ store: reader.store, hasher, catalogAfter: 2 });
    const listing = makeService({ store: reader.store, factsIndex: index }).service;
    const lines: string[] = [];
    for await (const o of listing.listAll("bkt")) lines.push(`${o.key} ${o.size}`);
    expect(lines).toHaveLength(18);
    expect(lines).toContain("f7/app-1.zip 4242");
    expect(lines.filter((line) => line.endsWith(" 5000"))).toHaveLength(17);
    // Two folders listed on their own, then the index's whole list once; every folder's
    // document read once.
    const folderLists = reader.lists.filter(
      (p) => p.startsWith(FACTS_PREFIX) && p !== FACTS_PREFIX,
    );
    expect(folderLists).toHaveLength(2);
    expect(reader.lists.filter((p) => p === FACTS_PREFIX)).toHaveLength(1);
    expect(reader.gets.filter((k) => k.startsWith(FACTS_PREFIX))).toHaveLength(9);
    // Only the replaced delta was HEADed.
    expect(reader.heads).toEqual(["f7/app-1.zip.delta"]);
  });

  it("writes one document per writer and folder, in its documented layout", async () => {
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({
      store,
      factsIndex: createFactsIndex({ store, hasher, writerId: "writer-a" }),
    });
    await service.put("bkt", "rel/app-0.zip", bodyOf(version(0)));
    await service.put("bkt", "rel/app-1.zip", bodyOf(version(1)));
    const folder = factsFolderPrefixFor(factsFolderId(hasher, "rel"));
    expect(await keysUnder(store, FACTS_PREFIX)).toEqual([`${folder}writer-a.json`]);
    const { body } = await store.getObject("bkt", `${folder}writer-a.json`);
    const doc = parseFactsDocument(new TextDecoder().decode(await collectBytes(body)));
    expect(doc?.folder).toBe("rel");
    expect(doc?.entries.map((e) => [e.key, e.kind, e.size, e.name])).toEqual([
      ["rel/reference.bin", "reference", 5000, "app-0.zip"],
      ["rel/app-0.zip.delta", "delta", 5000, "app-0.zip"],
      ["rel/app-1.zip.delta", "delta", 5000, "app-1.zip"],
    ]);
    // A delete drops the writer's entry.
    await service.delete("bkt", "rel/app-1.zip");
    const { body: after } = await store.getObject("bkt", `${folder}writer-a.json`);
    const left = parseFactsDocument(new TextDecoder().decode(await collectBytes(after)));
    expect(left?.entries.map((e) => e.key)).toEqual(["rel/reference.bin", "rel/app-0.zip.delta"]);
  });

  it("lists from the index without HEADs; a stale or unreadable entry means a HEAD", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({ store: raw });
    for (let i = 0; i < 3; i += 1) await service.put("bkt", `rel/app-${i}.zip`, bodyOf(version(i)));
    const first = counting(raw);
    expect(await listedSizes(first.store)).toEqual([
      "rel/app-0.zip 5000",
      "rel/app-1.zip 5000",
      "rel/app-2.zip 5000",
    ]);
    // The uploads recorded the deltas and the reference: nothing is HEADed.
    expect(first.heads).toEqual([]);

    // Overwritten by hand: the entry's ETag no longer matches.
    const head = await raw.headObject("bkt", "rel/app-1.zip.delta");
    await raw.putObject("bkt", "rel/app-1.zip.delta", seededBytes(5, 40), {
      metadata: { ...head?.metadata, "dg-file-size": "4242" },
    });
    // And a document that is not ours in the folder is skipped.
    const folder = factsFolderPrefixFor(factsFolderId(hasher, "rel"));
    await raw.putObject("bkt", `${folder}garbage.json`, new TextEncoder().encode("{not json"));
    const third = counting(raw);
    expect(await listedSizes(third.store)).toEqual([
      "rel/app-0.zip 5000",
      "rel/app-1.zip 4242",
      "rel/app-2.zip 5000",
    ]);
    expect(third.heads).toEqual(["rel/app-1.zip.delta"]);
  });

  it("reads a folder once for many matches, which answer as lookup does", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({ store: raw });
    for (let i = 0; i < 3; i += 1) await service.put("bkt", `rel/app-${i}.zip`, bodyOf(version(i)));
    const listed = (await raw.listObjects("bkt", { prefix: "rel/" })).objects;
    expect(listed).toHaveLength(4);
    const reader = recording(raw);
    const index = createFactsIndex({ store: reader.store, hasher });
    const folder = await index.folder("bkt", "rel");
    for (const object of listed) {
      const matched = folder.match(object);
      expect(matched, object.key).toBeDefined();
      expect(matched).toEqual(await index.lookup("bkt", object));
      expect(matched?.kind).toBe(object.key.endsWith(".delta") ? "delta" : "reference");
      // Another version of the object (ETag or stored size), or no ETag: no match.
      expect(folder.match({ ...object, etag: '"other"' })).toBeUndefined();
      expect(folder.match({ ...object, size: object.size + 1 })).toBeUndefined();
      const { etag: _, ...noEtag } = object;
      expect(folder.match(noEtag)).toBeUndefined();
    }
    expect(
      folder.match({ ...(listed[0] as (typeof listed)[number]), key: "rel/x.delta" }),
    ).toBeUndefined();
    // One GET of the folder's one document for all of them.
    expect(reader.gets.filter((k) => k.startsWith(FACTS_PREFIX))).toHaveLength(1);
    // Facts recorded afterwards (here: and written) are seen by a folder read before.
    const delta = listed.find((o) => o.key.endsWith(".delta")) as (typeof listed)[number];
    index.record("bkt", {
      key: delta.key,
      etag: '"newer"',
      storedSize: 7,
      name: "n",
      size: 9,
      kind: "delta",
    });
    await index.flush();
    expect(folder.match({ ...delta, etag: '"newer"', size: 7 })?.size).toBe(9);
    expect(folder.match(delta)?.size).toBe(5000);
  });

  it("stats take original sizes from the index, and fill it when they HEAD", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const off = makeService({ store: raw, factsIndex: false }).service;
    for (let i = 0; i < 4; i += 1) await off.put("bkt", `s/app-${i}.zip`, bodyOf(version(i)));
    expect(await keysUnder(raw, FACTS_PREFIX)).toEqual([]);
    const stats = async () => {
      const counted = counting(raw);
      const maintenance = createBucketMaintenance({
        store: counted.store,
        hasher,
        service: makeService({ store: counted.store }).service,
      });
      const result = await maintenance.bucketStats("bkt");
      return { result, heads: counted.heads };
    };
    const first = await stats();
    expect(first.heads.filter((k) => k.endsWith(".delta"))).toHaveLength(4);
    expect(first.result.originalBytes).toBe(4 * 5000);
    const second = await stats();
    expect(second.heads).toEqual([]);
    expect(second.result).toEqual(first.result);
  });

  it("a reader folds many documents of a folder into one", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    await makeService({ store: raw, factsIndex: false }).service.put(
      "bkt",
      "c/app-0.zip",
      bodyOf(version(0)),
    );
    for (let i = 1; i <= 10; i += 1) {
      const index = createFactsIndex({ store: raw, hasher, writerId: `w${i}` });
      const { service } = makeService({ store: raw, factsIndex: index });
      await service.put("bkt", `c/app-${i}.zip`, bodyOf(version(i)));
    }
    const folder = factsFolderPrefixFor(factsFolderId(hasher, "c"));
    expect(await keysUnder(raw, folder)).toHaveLength(10);
    const reader = counting(raw);
    const { service } = makeService({
      store: reader.store,
      factsIndex: createFactsIndex({ store: reader.store, hasher, writerId: "reader" }),
    });
    const sizes: number[] = [];
    for await (const o of service.listAll("bkt", { prefix: "c/" })) sizes.push(o.size);
    expect(sizes).toHaveLength(11);
    // app-0 was written without the index, and the reference: both HEADed; the rest known.
    expect([...reader.heads].sort()).toEqual(["c/app-0.zip.delta", "c/reference.bin"]);
    expect(await keysUnder(raw, folder)).toEqual([`${folder}reader.json`]);
    const next = counting(raw);
    await listedSizes(next.store, "c/");
    expect(next.heads).toEqual([]);
  });

  it("writes nothing when turned off", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const { service } = makeService({ store: raw, factsIndex: false });
    await service.put("bkt", "o/app-0.zip", bodyOf(version(0)));
    for await (const _ of service.listAll("bkt")) {
      // listing HEADs, and records nothing
    }
    expect(await keysUnder(raw, FACTS_PREFIX)).toEqual([]);
  });

  it("with read-only access to the index, listings and stats still succeed, from HEADs", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const off = makeService({ store: raw, factsIndex: false }).service;
    for (const f of ["a", "b", "c"]) {
      for (let i = 0; i < 2; i += 1) await off.put("bkt", `${f}/app-${i}.zip`, bodyOf(version(i)));
    }
    const denied = () => new PermissionDeniedError("Access Denied");
    const counted = counting(raw);
    // Writes under .deltaglider/ are refused, and so is listing it (a policy on a prefix).
    const readOnly: ObjectStore = {
      ...counted.store,
      async putObject(bucket, key, body, options) {
        if (key.startsWith(FACTS_PREFIX)) throw denied();
        return raw.putObject(bucket, key, body, options);
      },
      async listObjects(bucket, options = {}) {
        if (options.prefix?.startsWith(FACTS_PREFIX)) throw denied();
        return raw.listObjects(bucket, options);
      },
    };
    const { service } = makeService({ store: readOnly });
    const sizes: string[] = [];
    for await (const o of service.listAll("bkt")) sizes.push(`${o.key} ${o.size}`);
    expect(sizes).toHaveLength(6);
    expect(sizes.every((line) => line.endsWith(" 5000"))).toBe(true);
    const maintenance = createBucketMaintenance({ store: readOnly, hasher, service });
    const stats = await maintenance.bucketStats("bkt");
    expect(stats.originalBytes).toBe(6 * 5000);
    expect(counted.heads.filter((k) => k.endsWith(".delta")).length).toBeGreaterThanOrEqual(6);
    expect(await keysUnder(raw, FACTS_PREFIX)).toEqual([]);
  });
});
