import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ListObjectsOptions, ObjectStore } from "@dg/core";
import { createMemoryObjectStore } from "@dg/core/memory";
import { createRng } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirObjectStore } from "./dir-object-store.js";

async function listAll(store: ObjectStore, options: ListObjectsOptions) {
  const pages: Array<{ keys: string[]; prefixes: string[] }> = [];
  let token: string | undefined;
  do {
    const page = await store.listObjects("bkt", {
      ...options,
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    pages.push({ keys: page.objects.map((o) => o.key), prefixes: [...page.commonPrefixes] });
    token = page.nextContinuationToken;
  } while (token !== undefined);
  return pages;
}

describe("dir store listings agree with the memory store", () => {
  const rng = createRng(2024);
  const parts = ["a", "b", "a-", "é", "日", "/", "/", "x.y", "A", "z", "~", "😀", "-"];
  const keys = new Set<string>();
  while (keys.size < 300) {
    let key = "";
    const n = rng.int(1, 8);
    for (let i = 0; i < n; i++) key += rng.pick(parts);
    keys.add(key);
  }
  // Segments longer than a file name may be (stored in continuation folders), whose keys
  // interleave in S3 order with the keys of a folder of the same first 200 characters.
  const long = "l".repeat(200);
  for (const tail of ["", "/x", "-y", "0", "/", "a/b", "lll", "l-/q", "/a/b", "~"]) {
    keys.add(long + tail);
  }
  const prefixes = ["", "a", "a/", "a-", "/", "é", "b/a", "z/", "nothing", "l", `${long}/`];
  const delimiters = [undefined, "/", "-", "a/"];
  let root: string;
  const memory = createMemoryObjectStore({ buckets: ["bkt"] });
  let dir: ObjectStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "dg-dir-diff-"));
    dir = createDirObjectStore({ root });
    await dir.createBucket("bkt");
    for (const key of keys) {
      await memory.putObject("bkt", key, new Uint8Array(1));
      await dir.putObject("bkt", key, new Uint8Array(1));
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("for random prefixes, delimiters, startAfter and page sizes", async () => {
    const sorted = [...keys];
    for (let round = 0; round < 80; round++) {
      const options: ListObjectsOptions = {
        prefix: rng.pick(prefixes),
        ...(round % 3 === 0 ? {} : { startAfter: rng.pick(sorted).slice(0, rng.int(1, 4)) }),
        maxKeys: rng.pick([1, 7, 50, 1000]),
      };
      const delimiter = rng.pick(delimiters);
      const withDelimiter = delimiter === undefined ? options : { ...options, delimiter };
      expect(await listAll(dir, withDelimiter), JSON.stringify(withDelimiter)).toEqual(
        await listAll(memory, withDelimiter),
      );
    }
  });
});
