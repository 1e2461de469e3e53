import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReferenceCache } from "@dg/core";
import { createSimpleMemoryReferenceCache } from "@dg/core/memory";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caught, concat, memoryClient } from "../test/memory-client.js";
import { hasCode } from "./index.js";
import { attachmentDisposition } from "./signed-url.js";
import { similarityOf } from "./similar.js";

const v1 = seededBytes("parity-v1", 30_000);
const v2 = concat(v1, seededBytes("parity-v2", 500));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-sdk-parity-unit-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("getObjectInfo", () => {
  it("gives a delta's and a direct object's facts by logical key", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/a-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/a-2.zip", Body: v2, Metadata: { m: "2" } });
    await client.putObject({ Bucket: "bkt", Key: "rel/notes.txt", Body: "hello" });
    const delta = await client.getObjectInfo("s3://bkt/rel/a-2.zip");
    expect(delta).toMatchObject({
      bucket: "bkt",
      key: "rel/a-2.zip",
      storedKey: "rel/a-2.zip.delta",
      storageType: "delta",
      isDelta: true,
      size: v2.length,
      referenceKey: "rel/reference.bin",
      metadata: { m: "2" },
    });
    expect(delta.storedSize).toBeLessThan(v2.length / 10);
    expect(delta.compressionRatio).toBeCloseTo(delta.storedSize / v2.length, 10);
    expect(delta.savingsPercent).toBeGreaterThan(90);
    const direct = await client.getObjectInfo({ bucket: "bkt", key: "rel/notes.txt" });
    expect(direct).toMatchObject({
      storageType: "direct",
      size: 5,
      storedSize: 5,
      compressionRatio: 1,
    });
    expect(hasCode(await caught(client.getObjectInfo("s3://bkt/rel/none.zip")), "NOT_FOUND")).toBe(
      true,
    );
  });
});

describe("clearCache", () => {
  it("empties the client's reference cache; the next read fetches the reference again", async () => {
    const cache = createSimpleMemoryReferenceCache();
    const { client } = memoryClient({ cache });
    await client.putObject({ Bucket: "bkt", Key: "rel/a-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/a-2.zip", Body: v2 });
    expect(cache.size).toBe(1);
    await client.clearCache();
    expect(cache.size).toBe(0);
    const got = await client.getObject({ Bucket: "bkt", Key: "rel/a-2.zip" });
    expect((await got.Body.transformToByteArray()).length).toBe(v2.length);
    expect(cache.size).toBe(1);
  });

  it("refuses a cache of another program that cannot be cleared", async () => {
    const inner = createSimpleMemoryReferenceCache();
    const cache: ReferenceCache = {
      get: (...args) => inner.get(...args),
      put: (...args) => inner.put(...args),
      delete: (...args) => inner.delete(...args),
    };
    const { client } = memoryClient({ cache });
    expect(hasCode(await caught(client.clearCache()), "UNSUPPORTED")).toBe(true);
  });
});

describe("links without an S3 store", () => {
  it("refuse presigned URLs and forms, and rehydrateForDownload still makes a copy", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/a-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/a-2.zip", Body: v2 });
    expect(
      hasCode(
        await caught(client.getSignedUrl({ Bucket: "bkt", Key: "rel/a-2.zip" })),
        "UNSUPPORTED",
      ),
    ).toBe(true);
    expect(
      hasCode(
        await caught(client.createPresignedPost({ Bucket: "bkt", Key: "in/a.zip" })),
        "UNSUPPORTED",
      ),
    ).toBe(true);
    const copy = await client.rehydrateForDownload({
      Bucket: "bkt",
      Key: "rel/a-2.zip",
      ExpiresIn: 60,
    });
    expect(copy).toMatchObject({ Bucket: "bkt", Rehydrated: true, Reused: false });
    expect(copy.ExpiresAt?.toISOString()).toBe("2026-11-25T12:01:00.000Z");
    expect((await store.headObject("bkt", copy.Key))?.size).toBe(v2.length);
    await client.putObject({ Bucket: "bkt", Key: "rel/notes.txt", Body: "notes" });
    const direct = await client.rehydrateForDownload({ Bucket: "bkt", Key: "rel/notes.txt" });
    expect(direct).toEqual({
      Bucket: "bkt",
      Key: "rel/notes.txt",
      Rehydrated: false,
      Reused: false,
    });
  });

  it("check the expiry and the key before anything else", async () => {
    const { client } = memoryClient();
    for (const ExpiresIn of [0, 1.5, 604_801]) {
      const error = await caught(client.getSignedUrl({ Bucket: "bkt", Key: "a.zip", ExpiresIn }));
      expect(hasCode(error, "INVALID_ARGUMENT"), String(ExpiresIn)).toBe(true);
    }
    for (const Key of ["rel/reference.bin", "rel/a.zip.delta", ".deltaglider/tmp/x", "rel/"]) {
      const error = await caught(client.createPresignedPost({ Bucket: "bkt", Key }));
      expect(hasCode(error, "INVALID_ARGUMENT"), Key).toBe(true);
    }
  });
});

describe("attachmentDisposition", () => {
  it("quotes a plain name, and adds filename* for any other", () => {
    expect(attachmentDisposition("app-1.2.zip")).toBe('attachment; filename="app-1.2.zip"');
    expect(attachmentDisposition('a "b".zip')).toBe(
      "attachment; filename=\"a _b_.zip\"; filename*=UTF-8''a%20%22b%22.zip",
    );
    expect(attachmentDisposition("résumé.pdf")).toBe(
      "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
    );
  });
});

describe("uploadFiles on memory", () => {
  it("stops starting files once cancelled, and rejects with CancelledError", async () => {
    const { client, store } = memoryClient();
    const paths: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const path = join(dir, `c-${n}.bin`);
      await writeFile(path, seededBytes(`cancel-${n}`, 1000));
      paths.push(path);
    }
    const controller = new AbortController();
    const error = await caught(
      client.uploadFiles(
        paths.map((path) => ({ path, to: "s3://bkt/c/" })),
        {
          concurrency: 1,
          signal: controller.signal,
          onProgress: (event) => {
            if (event.type === "file-done") controller.abort();
          },
        },
      ),
    );
    expect(hasCode(error, "CANCELLED")).toBe(true);
    expect((await store.listObjects("bkt", { prefix: "c/" })).objects.map((o) => o.key)).toEqual([
      "c/c-1.bin",
    ]);
  });

  it("refuses a concurrency that is not a whole number of at least 1", async () => {
    const { client } = memoryClient();
    const error = await caught(client.uploadFiles([], { concurrency: 0 }));
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
    expect(await client.downloadFiles([])).toEqual({ results: [], succeeded: 0, failed: 0 });
  });
});

describe("findSimilarFiles on memory", () => {
  it("looks at the prefix's own level only with recursive: false, and honours limit and minimum", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.0.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.1.zip", Body: v2 });
    await client.putObject({ Bucket: "bkt", Key: "rel/old/app-0.9.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/notes.txt", Body: "notes" });
    const query = { name: "app-1.2.zip", size: v2.length };
    const all = await client.findSimilarFiles("bkt", "rel/", query);
    expect(all.map((f) => f.key)).toEqual([
      "rel/app-1.1.zip",
      "rel/app-1.0.zip",
      "rel/old/app-0.9.zip",
    ]);
    // The delta's original size was looked up: the best match has the same size as the query.
    expect(all[0]).toMatchObject({ isDelta: true, size: v2.length, scores: { size: 1 } });
    const level = await client.findSimilarFiles("bkt", "rel/", query, {
      recursive: false,
      limit: 1,
    });
    expect(level.map((f) => f.key)).toEqual(["rel/app-1.1.zip"]);
    const loose = await client.findSimilarFiles("bkt", "rel/", query, { minSimilarity: 0 });
    expect(loose.map((f) => f.key)).toContain("rel/notes.txt");
    expect(
      hasCode(
        await caught(client.findSimilarFiles("bkt", "", { name: "a/b.zip" })),
        "INVALID_ARGUMENT",
      ),
    ).toBe(true);
    expect(
      hasCode(await caught(client.findSimilarFiles("bkt", "", join(dir, "none.zip"))), "NOT_FOUND"),
    ).toBe(true);
  });
});

describe("similarityOf", () => {
  const score = (a: string, b: string, sizes: [number, number] = [1000, 1000]) =>
    similarityOf({ name: a, size: sizes[0] }, { name: b, size: sizes[1] }).similarity;

  it("sets version numbers aside, then prefers the nearer version", () => {
    expect(score("app-1.3.zip", "app-1.2.zip")).toBeGreaterThan(
      score("app-1.3.zip", "app-1.0.zip"),
    );
    expect(score("app-1.3.zip", "app-1.0.zip")).toBeGreaterThan(
      score("app-1.3.zip", "app-0.9.zip"),
    );
    expect(score("app-1.3.zip", "app-0.9.zip")).toBeGreaterThan(
      score("app-1.3.zip", "tool-1.3.zip"),
    );
    expect(score("app-1.3.zip", "app-1.3.zip")).toBe(1);
  });

  it("weighs the extension (a compound one as one) and the size", () => {
    const parts = similarityOf({ name: "a-1.tar.gz" }, { name: "a-2.gz", size: 10 }).scores;
    expect(parts.extension).toBe(0.5);
    expect(parts.size).toBeUndefined();
    expect(
      similarityOf({ name: "a-1.tar.gz" }, { name: "a-2.tar.gz", size: 1 }).scores.extension,
    ).toBe(1);
    expect(score("a-1.zip", "a-2.zip", [1000, 990])).toBeGreaterThan(
      score("a-1.zip", "a-2.zip", [1000, 400]),
    );
    expect(score("a-1.zip", "a-2.txt")).toBeLessThan(score("a-1.zip", "a-2.zip"));
  });
});
