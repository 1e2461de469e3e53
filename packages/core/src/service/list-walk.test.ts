import { describe, expect, it } from "vitest";
import { bodyOf, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { deltaMetadata } from "../domain/metadata.js";
import { createMemoryObjectStore } from "../memory/memory-object-store.js";
import type { ListObjectsOptions, ObjectStore } from "../ports/object-store.js";
import type { LogicalListedObject } from "./types.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** The store with small pages, and every listing request counted (and optionally held). */
function instrumented(store: ObjectStore, pageSize: number) {
  const calls: ListObjectsOptions[] = [];
  let hold: ((call: number) => Promise<void> | undefined) | undefined;
  const wrapped: ObjectStore = {
    ...store,
    async listObjects(bucket, options = {}) {
      calls.push(options);
      await hold?.(calls.length);
      return store.listObjects(bucket, { ...options, maxKeys: options.maxKeys ?? pageSize });
    },
  };
  return {
    store: wrapped,
    calls,
    holdFrom(call: number, gate: Promise<void>) {
      hold = (n) => (n >= call ? gate : undefined);
    },
  };
}

/**
 * A bucket shaped to catch ordering mistakes: many folders, top-level files that sort between
 * folders (`x.txt` < `x/` < `x0`), deltas and their hidden references, deltaglider's own
 * `.deltaglider/` objects, and a level that holds a single folder.
 */
async function seededBucket() {
  const raw = createMemoryObjectStore({ buckets: ["bkt"] });
  const bytes = seededBytes(7, 64);
  const bump = seededBytes(8, 400);
  for (let folder = 0; folder < 23; folder += 1) {
    const count = (bump[folder] as number) % 9;
    for (let i = 0; i < count; i += 1) {
      await raw.putObject("bkt", `f${String(folder).padStart(2, "0")}/obj-${i}.bin`, bytes);
    }
  }
  for (const key of ["a.txt", "x.txt", "x/1.bin", "x/2/deep.bin", "x0", "x-", "zz", "é/ü.bin"]) {
    await raw.putObject("bkt", key, bytes);
  }
  for (let i = 0; i < 30; i += 1) {
    await raw.putObject("bkt", `deep/only/s${i % 6}/k${i}.bin`, bytes);
  }
  await raw.putObject("bkt", ".deltaglider/cli-stats/v1/quick/x.json", bytes);
  const { service: writer } = makeService({ store: raw });
  const base = seededBytes(9, 3000);
  for (let i = 0; i < 4; i += 1) {
    const version = base.slice();
    // Changed near the end: the prefix test codec's deltas are what follows the common prefix.
    version[version.length - 1 - i] = i;
    await writer.put("bkt", `rel/app-${i}.zip`, bodyOf(version));
    await writer.put("bkt", `x/rel/app-${i}.zip`, bodyOf(version));
  }
  return raw;
}

async function collect(listing: AsyncIterable<LogicalListedObject>) {
  const out: string[] = [];
  for await (const o of listing) out.push(`${o.key} ${o.size} ${o.storedKey}`);
  return out;
}

describe("listAll with folders walked side by side", () => {
  it("gives exactly the objects of one paginated walk, in the same order", async () => {
    const raw = await seededBucket();
    for (const prefix of ["", "x", "x/", "deep/", "f0", "nothing/"]) {
      const single = instrumented(raw, 5);
      const parallel = instrumented(raw, 5);
      const walk = makeService({ store: single.store }).service;
      const spread = makeService({ store: parallel.store }).service;
      const expected = await collect(walk.listAll("bkt", { prefix }));
      const got = await collect(
        spread.listAll("bkt", { prefix, folderConcurrency: 4, parallelAfterPages: 0 }),
      );
      expect(got, `prefix ${prefix}`).toEqual(expected);
      if (prefix === "") {
        expect(expected.length).toBeGreaterThan(60);
        // Deltas are listed under their own names with original sizes; references and
        // deltaglider's own objects are hidden.
        expect(expected).toContain("rel/app-2.zip 3000 rel/app-2.zip.delta");
        expect(expected.some((line) => line.includes("reference.bin"))).toBe(false);
        expect(expected.some((line) => line.startsWith(".deltaglider/"))).toBe(false);
        // Side by side: folder walks were listed without a delimiter under each folder.
        expect(parallel.calls.some((c) => c.prefix === "x/" && c.delimiter === undefined)).toBe(
          true,
        );
      }
      if (prefix === "deep/") {
        // A level of one folder is descended into, and its folders are walked one by one.
        expect(parallel.calls.some((c) => c.prefix === "deep/only/" && c.delimiter === "/")).toBe(
          true,
        );
        expect(parallel.calls.some((c) => c.prefix === "deep/only/s3/")).toBe(true);
      }
    }
  });

  it("yields the first page before the listing ends (a store that holds page 2)", async () => {
    const raw = await seededBucket();
    for (const folderConcurrency of [1, 4]) {
      const held = instrumented(raw, 5);
      const gate = deferred();
      // The walk side by side makes one delimiter request first, then one per folder.
      held.holdFrom(folderConcurrency === 1 ? 2 : 3, gate.promise);
      const { service } = makeService({ store: held.store });
      const listing = service.listAll("bkt", { folderConcurrency, parallelAfterPages: 0 });
      const iterator = listing[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      expect(first.value?.key).toBe("a.txt");
      gate.resolve();
      let rest = 0;
      while (!(await iterator.next()).done) rest += 1;
      expect(rest).toBeGreaterThan(60);
    }
  });

  it("holds a bounded window: stopping early leaves most of the bucket unlisted", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const bytes = seededBytes(10, 16);
    for (let folder = 0; folder < 40; folder += 1) {
      for (let i = 0; i < 25; i += 1) await raw.putObject("bkt", `d${folder}/k${i}`, bytes);
    }
    const counted = instrumented(raw, 10);
    const { service } = makeService({ store: counted.store });
    for await (const object of service.listAll("bkt", {
      folderConcurrency: 4,
      parallelAfterPages: 0,
    })) {
      expect(object.key).toBe("d0/k0");
      break;
    }
    // 40 folders of 3 pages each: a full walk makes 120 requests and more. Stopped at once,
    // at most 4 folders were started, each at most 3 pages ahead, plus the top level's page
    // and the next one, requested as it arrived.
    expect(counted.calls.length).toBeLessThanOrEqual(2 + 4 * 3);
  });

  it("walks page after page first, then the rest side by side, in the order of one walk", async () => {
    const raw = await seededBucket();
    for (const prefix of ["", "x", "x/", "deep/", "f0", "rel/"]) {
      const expected = await collect(
        makeService({ store: instrumented(raw, 5).store }).service.listAll("bkt", { prefix }),
      );
      for (const parallelAfterPages of [1, 2, 3, 5, 8, 13, 40]) {
        const counted = instrumented(raw, 5);
        const { service } = makeService({ store: counted.store });
        const got = await collect(
          service.listAll("bkt", { prefix, folderConcurrency: 3, parallelAfterPages }),
        );
        expect(got, `prefix ${prefix}, after ${parallelAfterPages} pages`).toEqual(expected);
        const flatPages = counted.calls.filter(
          (c) => (c.prefix ?? "") === prefix && c.delimiter === undefined && !c.startAfter,
        ).length;
        const sideBySide = counted.calls.some((c) => c.delimiter === "/");
        if (prefix === "" && parallelAfterPages <= 8) {
          // The bucket takes more than 8 pages of 5: the rest was walked side by side.
          expect(flatPages).toBe(parallelAfterPages);
          expect(sideBySide).toBe(true);
        }
        if (parallelAfterPages === 40) expect(sideBySide).toBe(false);
      }
    }
  });
});

describe("listAllPages", () => {
  it("gives the objects of listAll in the same order, in runs of at most a store page", async () => {
    const raw = await seededBucket();
    for (const options of [{}, { folderConcurrency: 3, parallelAfterPages: 2 }]) {
      const { service } = makeService({ store: instrumented(raw, 5).store });
      const expected = await collect(service.listAll("bkt", options));
      const runs: number[] = [];
      const got: string[] = [];
      for await (const page of service.listAllPages("bkt", options)) {
        runs.push(page.length);
        for (const o of page) got.push(`${o.key} ${o.size} ${o.storedKey}`);
      }
      expect(got).toEqual(expected);
      expect(Math.min(...runs)).toBeGreaterThan(0);
      expect(Math.max(...runs)).toBeLessThanOrEqual(5);
    }
  });
});

describe("HEADs of objects the index does not know", () => {
  it("go 64 at once by default, never more", async () => {
    const raw = createMemoryObjectStore({ buckets: ["bkt"] });
    const sha = "a".repeat(64);
    for (let i = 0; i < 200; i += 1) {
      await raw.putObject(
        "bkt",
        `big/app-${String(i).padStart(3, "0")}.zip.delta`,
        seededBytes(i, 8),
        {
          metadata: deltaMetadata({
            tool: "test",
            originalName: `app-${i}.zip`,
            sha256: sha,
            size: 1000 + i,
            createdAt: new Date(0),
            refKey: "big/reference.bin",
            refSha256: sha,
            deltaSize: 8,
          }),
        },
      );
    }
    let inFlight = 0;
    let most = 0;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const held: ObjectStore = {
      ...raw,
      async headObject(bucket, key, options) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        // Held until 64 are in flight at once (a walk with fewer never gets past this).
        if (inFlight >= 64) open();
        await gate;
        try {
          return await raw.headObject(bucket, key, options);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const { service } = makeService({ store: held });
    const sizes: number[] = [];
    for await (const o of service.listAll("bkt")) sizes.push(o.size);
    expect(sizes).toHaveLength(200);
    expect(sizes[199]).toBe(1199);
    expect(most).toBe(64);
  });
});
