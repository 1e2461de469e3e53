import type { ObjectStore } from "@dg/core";
import { createMemoryObjectStore } from "@dg/core/memory";
import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { memoryClient } from "../test/memory-client.js";
import { paginateListObjectsV2 } from "./paginate.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/**
 * A memory store of 12 folders with 7 objects each and a few top-level files, whose listing
 * requests from number `holdFrom` on wait for `gate`, with pages of `pageSize` keys.
 */
async function heldStore(pageSize: number) {
  const inner = createMemoryObjectStore({ buckets: ["bkt"] });
  const bytes = seededBytes(5, 32);
  for (let folder = 0; folder < 12; folder += 1) {
    for (let i = 0; i < 7; i += 1) await inner.putObject("bkt", `d${folder}/k${i}.bin`, bytes);
  }
  for (const key of ["a.txt", "d5.txt", "zz.txt"]) await inner.putObject("bkt", key, bytes);
  let calls = 0;
  let gate: { from: number; promise: Promise<void> } | undefined;
  const store: ObjectStore = {
    ...inner,
    async listObjects(bucket, options = {}) {
      calls += 1;
      if (gate !== undefined && calls >= gate.from) await gate.promise;
      return inner.listObjects(bucket, { ...options, maxKeys: pageSize });
    },
  };
  return {
    store,
    hold(from: number, promise: Promise<void>) {
      calls = 0;
      gate = { from, promise };
    },
    release() {
      gate = undefined;
    },
  };
}

describe("streaming listings", () => {
  it("the paginator yields page 1 before page 2 is answered", async () => {
    const held = await heldStore(10);
    const { client } = memoryClient({ store: held.store });
    const gate = deferred();
    held.hold(2, gate.promise);
    const pages = paginateListObjectsV2(client, { Bucket: "bkt" })[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect(first.value?.Contents.map((o) => o.Key)).toEqual([
      "a.txt",
      "d0/k0.bin",
      "d0/k1.bin",
      "d0/k2.bin",
      "d0/k3.bin",
      "d0/k4.bin",
      "d0/k5.bin",
      "d0/k6.bin",
      "d1/k0.bin",
      "d1/k1.bin",
    ]);
    expect(first.value?.IsTruncated).toBe(true);
    gate.resolve();
    let keys = first.value?.Contents.length ?? 0;
    for (let page = await pages.next(); !page.done; page = await pages.next()) {
      keys += page.value.Contents.length;
    }
    expect(keys).toBe(12 * 7 + 3);
  });

  it("listAllObjects yields before the listing ends, walked page by page or side by side", async () => {
    for (const folderConcurrency of [1, 4]) {
      const held = await heldStore(10);
      const { client } = memoryClient({ store: held.store });
      const gate = deferred();
      // Side by side, request 1 lists the top level and request 2 the first folder.
      held.hold(folderConcurrency === 1 ? 2 : 3, gate.promise);
      const listing = client
        .listAllObjects({ Bucket: "bkt" }, { folderConcurrency })
        [Symbol.asyncIterator]();
      const first = await listing.next();
      expect(first.value?.Key).toBe("a.txt");
      gate.resolve();
      let count = 1;
      while (!(await listing.next()).done) count += 1;
      expect(count).toBe(12 * 7 + 3);
    }
  });

  it("listAllObjects gives what the paginator gives, in the same order", async () => {
    const held = await heldStore(4);
    const { client } = memoryClient({ store: held.store });
    await client.putObject({ Bucket: "bkt", Key: "d3/app-1.zip", Body: seededBytes(6, 5000) });
    await client.putObject({ Bucket: "bkt", Key: "d3/app-2.zip", Body: seededBytes(6, 5001) });
    const fromPages: string[] = [];
    for await (const page of paginateListObjectsV2(client, { Bucket: "bkt", Prefix: "d" })) {
      for (const o of page.Contents) fromPages.push(`${o.Key} ${o.Size}`);
    }
    for (const folderConcurrency of [1, 3]) {
      const walked: string[] = [];
      const listing = client.listAllObjects({ Bucket: "bkt", Prefix: "d" }, { folderConcurrency });
      for await (const o of listing) walked.push(`${o.Key} ${o.Size}`);
      expect(walked).toEqual(fromPages);
    }
    expect(fromPages).toContain("d3/app-2.zip 5001");
    expect(fromPages).toContain("d5.txt 32");
  });

  it("refuses a folderConcurrency below 1", async () => {
    const { client } = memoryClient();
    const listing = client.listAllObjects({ Bucket: "bkt" }, { folderConcurrency: 0 });
    await expect(
      (async () => {
        for await (const _ of listing) break;
      })(),
    ).rejects.toThrow(/folderConcurrency/);
  });
});
