import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectItems } from "./dir-listing.js";
import { createDirObjectStore } from "./dir-object-store.js";

describe("collectItems with a limit", () => {
  let root: string;
  const keys = [
    "a/1",
    "a/2",
    "a-x",
    "b/c/1",
    "b/c/2",
    "b/d",
    "c",
    ...Array.from({ length: 30 }, (_, i) => `z/${String(i).padStart(2, "0")}`),
  ];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "dg-dir-collect-"));
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    for (const key of keys) await store.putObject("bkt", key, new Uint8Array(1));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("returns the smallest items in S3 order and says whether more were left out", async () => {
    const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const scope = { prefix: "", delimiter: undefined, after: "" };
    for (const limit of [1, 2, 3, 5, 8, 36]) {
      const { items, complete } = await collectItems(join(root, "bkt"), scope, limit);
      expect(items.map((i) => i.key)).toEqual(sorted.slice(0, limit));
      expect(complete).toBe(false);
    }
    const all = await collectItems(join(root, "bkt"), scope, keys.length);
    expect(all.items.map((i) => i.key)).toEqual(sorted);
    expect(all.complete).toBe(true);
  });

  it("applies the limit after `after` and to rolled-up folders", async () => {
    const { items, complete } = await collectItems(
      join(root, "bkt"),
      { prefix: "", delimiter: "/", after: "a-x" },
      2,
    );
    expect(items).toEqual([
      // "a/" sorts after "a-x" ("/" is 0x2F, "-" 0x2D).
      { key: "a/", isPrefix: true },
      { key: "b/", isPrefix: true },
    ]);
    expect(complete).toBe(false);
  });
});
