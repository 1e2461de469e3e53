import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createMemoryObjectStore, createSimpleMemoryReferenceCache } from "@dg/core/memory";
import { createRng } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { createClient } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Source-code-like text from a seeded vocabulary: compresses like real releases. */
function seededText(seed: number, lines: number): string {
  const rng = createRng(seed);
  const words = [
    "const",
    "return",
    "function",
    "value",
    "if",
    "else",
    "buffer",
    "delta",
    "stream",
    "=",
    "(",
    ")",
    "{",
    "}",
    ";",
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = rng.int(3, 12);
    const line: string[] = [];
    for (let j = 0; j < n; j++) line.push(rng.pick(words));
    out.push(line.join(" "));
  }
  return out.join("\n");
}

// Two releases of a .tgz made by zlib at level 9, as npm makes them: a small edit of the
// content rewrites the whole deflate stream, so a raw delta saves little.
const base = seededText(1, 40_000);
const v1 = gzipSync(base, { level: 9 });
const v2 = gzipSync(`${base.slice(0, 300_000)}\nconst added = 1;\n${base.slice(300_000)}`, {
  level: 9,
});

function client(compat: boolean, store = createMemoryObjectStore({ buckets: ["bkt"] })) {
  return createClient({
    env: {},
    store,
    compat,
    cache: createSimpleMemoryReferenceCache(),
    toolVersion: "0.0.0-test",
  });
}

describe("archive-aware deltas and --compat", () => {
  it("writes a dg-archive delta for a zlib-made .tgz by default, much smaller than the raw one", async () => {
    const ours = client(false);
    await ours.putObject({ Bucket: "bkt", Key: "rel/app-1.tgz", Body: v1 });
    const put = await ours.putObject({ Bucket: "bkt", Key: "rel/app-2.tgz", Body: v2 });
    const compat = client(true);
    await compat.putObject({ Bucket: "bkt", Key: "rel/app-1.tgz", Body: v1 });
    const raw = await compat.putObject({
      Bucket: "bkt",
      Key: "rel/app-2.tgz",
      Body: v2,
      MaxRatio: 1,
    });

    expect(put.DeltaGliderInfo.StorageType).toBe("delta");
    expect(put.DeltaGliderInfo.StoredSize * 5).toBeLessThan(raw.DeltaGliderInfo.StoredSize);
    const got = await ours.getObject({ Bucket: "bkt", Key: "rel/app-2.tgz" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
  });

  it("marks archive deltas in metadata and leaves plain VCDIFF unmarked (compat)", async () => {
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    await client(false, store).putObject({ Bucket: "bkt", Key: "a/app-1.tgz", Body: v1 });
    await client(false, store).putObject({ Bucket: "bkt", Key: "a/app-2.tgz", Body: v2 });
    await client(true, store).putObject({ Bucket: "bkt", Key: "b/app-1.tgz", Body: v1 });
    await client(true, store).putObject({
      Bucket: "bkt",
      Key: "b/app-2.tgz",
      Body: v2,
      MaxRatio: 1,
    });
    expect(
      (await store.headObject("bkt", "a/app-2.tgz.delta"))?.metadata["dg-delta-format"],
    ).toMatch(/^dg-archive\//);
    const plain = await store.headObject("bkt", "b/app-2.tgz.delta");
    expect(plain?.metadata["dg-delta-format"]).toBeUndefined();
    // A plain delta is VCDIFF: it starts with the RFC 3284 magic.
    const body = await store.getObject("bkt", "b/app-2.tgz.delta");
    const first = (await body.body[Symbol.asyncIterator]().next()).value as Uint8Array;
    expect([...first.subarray(0, 3)]).toEqual([0xd6, 0xc3, 0xc4]);
  });

  it("a compat client still reads archive deltas", async () => {
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    await client(false, store).putObject({ Bucket: "bkt", Key: "a/app-1.tgz", Body: v1 });
    await client(false, store).putObject({ Bucket: "bkt", Key: "a/app-2.tgz", Body: v2 });
    const got = await client(true, store).getObject({ Bucket: "bkt", Key: "a/app-2.tgz" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
  });

  it("DG_COMPAT=python turns compat on; other values are refused", async () => {
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    const fromEnv = createClient({
      env: { DG_COMPAT: "python" },
      store,
      cache: createSimpleMemoryReferenceCache(),
    });
    await fromEnv.putObject({ Bucket: "bkt", Key: "c/app-1.tgz", Body: v1 });
    await fromEnv.putObject({ Bucket: "bkt", Key: "c/app-2.tgz", Body: v2, MaxRatio: 1 });
    expect(
      (await store.headObject("bkt", "c/app-2.tgz.delta"))?.metadata["dg-delta-format"],
    ).toBeUndefined();
    expect(() => createClient({ env: { DG_COMPAT: "perl" }, store })).toThrow(/DG_COMPAT/);
  });
});
