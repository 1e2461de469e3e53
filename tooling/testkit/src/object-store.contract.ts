import type {
  ByteStream,
  ListObjectsOptions,
  ListObjectsPage,
  ObjectHeaders,
  ObjectStore,
} from "@dg/core";
import { hasCode } from "@dg/core";
import { afterEach, describe, expect, it } from "vitest";
import { createRng, seededBytes } from "./seeded.js";

/** One fresh store and an existing, empty bucket in it. */
export interface ObjectStoreHarness {
  readonly store: ObjectStore;
  readonly bucket: string;
  cleanup?(): Promise<void>;
}

/** Builds a fresh harness for one test. Bucket names must be unique per call. */
export type ObjectStoreFactory = () => Promise<ObjectStoreHarness>;

/** What the store under test guarantees, where stores legitimately differ. */
export interface ObjectStoreContractOptions {
  /**
   * Whether the server decides create-only writes atomically: of two concurrent
   * `ifNoneMatch` writes to one key exactly one succeeds. True of AWS S3, the local-directory
   * store and the in-memory store (the default). moto checks for the key and then stores
   * without a lock, so under load both writes can succeed; pass `false` for it, and the race
   * test asserts what such a server still guarantees (at least one winner, every loser a
   * CONFLICT, the stored object is one winner's whole body). Sequential create-only writes
   * must conflict either way.
   */
  readonly atomicCreateOnly?: boolean;
}

/** Tests that make over a thousand requests: minutes against moto on a loaded machine. */
const SLOW_TEST_MS = 300_000;

const text = new TextEncoder();

function utf8(value: string): Uint8Array {
  return text.encode(value);
}

/** S3 key order: ascending UTF-8 bytes. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

async function collect(stream: ByteStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

async function* chunked(bytes: Uint8Array, size: number): ByteStream {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<unknown>) {
  for (let at = 0; at < items.length; at += size) {
    await Promise.all(items.slice(at, at + size).map(run));
  }
}

async function listAll(
  store: ObjectStore,
  bucket: string,
  options: Omit<ListObjectsOptions, "continuationToken"> = {},
): Promise<{ keys: string[]; prefixes: string[]; pages: ListObjectsPage[] }> {
  const pages: ListObjectsPage[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsPage = await store.listObjects(bucket, {
      ...options,
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    pages.push(page);
    token = page.nextContinuationToken;
    if (pages.length > 10_000) throw new Error("listing does not end");
  } while (token !== undefined);
  return {
    keys: pages.flatMap((p) => p.objects.map((o) => o.key)),
    prefixes: pages.flatMap((p) => [...p.commonPrefixes]),
    pages,
  };
}

/** Every standard header set; `expires` in whole seconds, as HTTP dates carry it. */
const ALL_HEADERS: ObjectHeaders = {
  cacheControl: "public, max-age=86400",
  contentDisposition: 'attachment; filename="release 1.zip"',
  contentEncoding: "identity",
  contentLanguage: "en-GB, de",
  expires: new Date("2031-02-03T04:05:06Z"),
};

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeDefined();
  expect(hasCode(error, code as "NOT_FOUND"), `got ${String(error)}`).toBe(true);
}

/**
 * The behaviour every `ObjectStore` adapter must have, S3's where it matters. Call it at the
 * top level of a test file; it declares one `describe` block.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStore } from "@dg/core/memory";
 * objectStoreContract("memory", async () => ({
 *   store: createMemoryObjectStore({ buckets: ["b"] }),
 *   bucket: "b",
 * }));
 * ```
 */
export function objectStoreContract(
  name: string,
  makeStore: ObjectStoreFactory,
  options: ObjectStoreContractOptions = {},
): void {
  const atomicCreateOnly = options.atomicCreateOnly ?? true;
  describe(`ObjectStore contract: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];

    async function fresh(): Promise<{ store: ObjectStore; bucket: string }> {
      const made = await makeStore();
      const cleanup = made.cleanup;
      if (cleanup) cleanups.push(() => cleanup.call(made));
      return made;
    }

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it("round-trips bytes, metadata with lower-cased keys, and content type", async () => {
      const { store, bucket } = await fresh();
      const body = seededBytes(1, 10_000);
      const put = await store.putObject(bucket, "dir/file.bin", body, {
        metadata: { "Dg-Tool": "deltaglider-ts/0", "dg-file-sha256": "ab".repeat(32) },
        contentType: "application/x-test",
      });
      expect(put.etag).toMatch(/^".+"$/);

      const head = await store.headObject(bucket, "dir/file.bin");
      expect(head).toBeDefined();
      expect(head?.key).toBe("dir/file.bin");
      expect(head?.size).toBe(10_000);
      expect(head?.etag).toBe(put.etag);
      expect(head?.lastModified).toBeInstanceOf(Date);
      expect(head?.contentType).toBe("application/x-test");
      expect(head?.metadata).toEqual({
        "dg-tool": "deltaglider-ts/0",
        "dg-file-sha256": "ab".repeat(32),
      });

      const got = await store.getObject(bucket, "dir/file.bin");
      expect(got.info.size).toBe(10_000);
      expect(got.info.metadata["dg-tool"]).toBe("deltaglider-ts/0");
      expect(got.info.contentType).toBe("application/x-test");
      expect(Buffer.from(await collect(got.body)).equals(Buffer.from(body))).toBe(true);
    });

    it("stores a streamed body, with and without a known length", async () => {
      const { store, bucket } = await fresh();
      const body = seededBytes(2, 300_001);
      await store.putObject(bucket, "known", chunked(body, 65_536), { contentLength: body.length });
      await store.putObject(bucket, "unknown", chunked(body, 10_000));
      for (const key of ["known", "unknown"]) {
        const got = await store.getObject(bucket, key);
        expect(Buffer.from(await collect(got.body)).equals(Buffer.from(body))).toBe(true);
        expect((await store.headObject(bucket, key))?.size).toBe(body.length);
      }
    });

    it("overwrites an object, replacing content and metadata", async () => {
      const { store, bucket } = await fresh();
      await store.putObject(bucket, "k", utf8("first"), { metadata: { a: "1", b: "2" } });
      await store.putObject(bucket, "k", utf8("second!"), { metadata: { c: "3" } });
      const got = await store.getObject(bucket, "k");
      expect(Buffer.from(await collect(got.body)).toString()).toBe("second!");
      expect(got.info.metadata).toEqual({ c: "3" });
      expect(got.info.size).toBe(7);
    });

    it("serves ranged gets: start only, start-end, and an end past the object", async () => {
      const { store, bucket } = await fresh();
      const body = seededBytes(3, 1000);
      await store.putObject(bucket, "r", body);
      const cases: Array<[{ start: number; end?: number }, number, number]> = [
        [{ start: 990 }, 990, 1000],
        [{ start: 0 }, 0, 1000],
        [{ start: 10, end: 19 }, 10, 20],
        [{ start: 0, end: 0 }, 0, 1],
        [{ start: 500, end: 5000 }, 500, 1000],
        [{ start: 999, end: 999 }, 999, 1000],
      ];
      for (const [range, from, to] of cases) {
        const got = await store.getObject(bucket, "r", { range });
        const bytes = await collect(got.body);
        expect(Buffer.from(bytes).equals(Buffer.from(body.subarray(from, to)))).toBe(true);
        expect(got.info.size).toBe(1000);
      }
    });

    it("stores empty objects, from bytes and from an empty stream", async () => {
      const { store, bucket } = await fresh();
      await store.putObject(bucket, "empty-bytes", new Uint8Array(0));
      await store.putObject(bucket, "empty-stream", chunked(new Uint8Array(0), 10));
      for (const key of ["empty-bytes", "empty-stream"]) {
        expect((await store.headObject(bucket, key))?.size).toBe(0);
        const got = await store.getObject(bucket, key);
        expect((await collect(got.body)).length).toBe(0);
      }
    });

    it("keeps keys with spaces, unicode, '+', '%' and a trailing slash exactly", async () => {
      const { store, bucket } = await fresh();
      const keys = [
        "with space/a b.txt",
        "plus+sign",
        "percent%20and%2F",
        "100%",
        "ünïcødé/日本語.bin",
        "emoji 😀",
        "tilde~and'quote\"",
        "dir/",
        "a//b",
        "Upper/Case.TXT",
        "upper/case.txt",
      ];
      for (const [i, key] of keys.entries()) {
        await store.putObject(bucket, key, utf8(`body ${i}`));
      }
      for (const [i, key] of keys.entries()) {
        const got = await store.getObject(bucket, key);
        expect(Buffer.from(await collect(got.body)).toString(), key).toBe(`body ${i}`);
        expect((await store.headObject(bucket, key))?.key).toBe(key);
      }
      const { keys: listed } = await listAll(store, bucket);
      expect(listed).toEqual([...keys].sort(byUtf8));
    });

    it("holds a key and a 'directory' of the same name side by side", async () => {
      const { store, bucket } = await fresh();
      await store.putObject(bucket, "a", utf8("file a"));
      await store.putObject(bucket, "a/b", utf8("file a/b"));
      await store.putObject(bucket, "a/", utf8("marker"));
      await store.putObject(bucket, "a/b/c", utf8("file a/b/c"));
      expect(Buffer.from(await collect((await store.getObject(bucket, "a")).body)).toString()).toBe(
        "file a",
      );
      expect(
        Buffer.from(await collect((await store.getObject(bucket, "a/b")).body)).toString(),
      ).toBe("file a/b");
      expect((await listAll(store, bucket)).keys).toEqual(["a", "a/", "a/b", "a/b/c"]);
      const top = await listAll(store, bucket, { delimiter: "/" });
      expect(top.keys).toEqual(["a"]);
      expect(top.prefixes).toEqual(["a/"]);
      const inner = await listAll(store, bucket, { prefix: "a/", delimiter: "/" });
      expect(inner.keys).toEqual(["a/", "a/b"]);
      expect(inner.prefixes).toEqual(["a/b/"]);
    });

    it("lists in UTF-8 byte order, not UTF-16 order", async () => {
      const { store, bucket } = await fresh();
      const keys = ["z", "B", "a", "é", "\u00ff", "\ufb00", "😀", "~", "a-", "a/", "a.", "a0"];
      await Promise.all(keys.map((k) => store.putObject(bucket, k, utf8(k))));
      const { keys: listed } = await listAll(store, bucket);
      expect(listed).toEqual([...keys].sort(byUtf8));
      // U+FB00 sorts before U+1F600 in UTF-8 but after it in UTF-16.
      expect(listed.indexOf("\ufb00")).toBeLessThan(listed.indexOf("😀"));
    });

    it(
      "paginates past 1,000 keys and honours prefix, maxKeys and startAfter",
      async () => {
        const { store, bucket } = await fresh();
        const keys = Array.from({ length: 2100 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
        await inBatches(keys, 100, (key) => store.putObject(bucket, key, utf8(key)));
        await store.putObject(bucket, "other", utf8("x"));

        const all = await listAll(store, bucket, { prefix: "many/" });
        expect(all.pages.map((p) => p.objects.length)).toEqual([1000, 1000, 100]);
        expect(all.keys).toEqual(keys);
        expect(all.pages[0]?.objects[0]?.size).toBe(keys[0]?.length);

        const small = await listAll(store, bucket, { prefix: "many/0001", maxKeys: 7 });
        expect(small.keys).toEqual(keys.slice(10, 20));
        expect(small.pages.length).toBe(2);

        const after = await listAll(store, bucket, { prefix: "many/", startAfter: "many/02089" });
        expect(after.keys).toEqual(keys.slice(2090));
        const everything = await listAll(store, bucket, { startAfter: "many/02099" });
        expect(everything.keys).toEqual(["other"]);
      },
      SLOW_TEST_MS,
    );

    it("groups keys under CommonPrefixes with a delimiter, across pages", async () => {
      const { store, bucket } = await fresh();
      const keys = [
        "d/a",
        "d/b/c",
        "d/b/d",
        "d/e/f/g",
        "d/h",
        "d2/only/sub/x",
        "d2/only/sub/y",
        "top",
      ];
      await Promise.all(keys.map((k) => store.putObject(bucket, k, utf8(k))));

      const root = await listAll(store, bucket, { delimiter: "/" });
      expect(root.keys).toEqual(["top"]);
      expect(root.prefixes).toEqual(["d/", "d2/"]);

      const d = await listAll(store, bucket, { prefix: "d/", delimiter: "/" });
      expect(d.keys).toEqual(["d/a", "d/h"]);
      expect(d.prefixes).toEqual(["d/b/", "d/e/"]);

      const onlyFolders = await listAll(store, bucket, { prefix: "d2/", delimiter: "/" });
      expect(onlyFolders.keys).toEqual([]);
      expect(onlyFolders.prefixes).toEqual(["d2/only/"]);

      const paged = await listAll(store, bucket, { prefix: "d/", delimiter: "/", maxKeys: 1 });
      expect(paged.keys).toEqual(["d/a", "d/h"]);
      expect(paged.prefixes).toEqual(["d/b/", "d/e/"]);
      expect(paged.pages.length).toBe(4);

      const partial = await listAll(store, bucket, { prefix: "d/b", delimiter: "/" });
      expect(partial.keys).toEqual([]);
      expect(partial.prefixes).toEqual(["d/b/"]);

      const afterPrefix = await listAll(store, bucket, {
        prefix: "d/",
        delimiter: "/",
        startAfter: "d/c",
      });
      expect(afterPrefix.keys).toEqual(["d/h"]);
      expect(afterPrefix.prefixes).toEqual(["d/e/"]);
    });

    it("lets exactly one of two racing create-only writes win", async () => {
      const { store, bucket } = await fresh();
      expect(await store.putObject(bucket, "new", utf8("x"), { ifNoneMatch: true })).toBeDefined();
      await expectCode(
        store.putObject(bucket, "new", utf8("y"), { ifNoneMatch: true }),
        "CONFLICT",
      );
      expect(
        Buffer.from(await collect((await store.getObject(bucket, "new")).body)).toString(),
      ).toBe("x");

      for (let round = 0; round < 5; round++) {
        const key = `race/${round}`;
        const bodies = [seededBytes(`race-a-${round}`, 5000), seededBytes(`race-b-${round}`, 5000)];
        const results = await Promise.allSettled(
          bodies.map((body) => store.putObject(bucket, key, body, { ifNoneMatch: true })),
        );
        const winners = bodies.filter((_, i) => results[i]?.status === "fulfilled");
        for (const result of results) {
          if (result.status === "rejected") expect(hasCode(result.reason, "CONFLICT")).toBe(true);
        }
        if (atomicCreateOnly) expect(winners.length).toBe(1);
        else expect(winners.length).toBeGreaterThanOrEqual(1);
        const stored = Buffer.from(await collect((await store.getObject(bucket, key)).body));
        expect(winners.some((winner) => stored.equals(Buffer.from(winner)))).toBe(true);
      }
    });

    it("deletes one key, and a missing key without error", async () => {
      const { store, bucket } = await fresh();
      await store.putObject(bucket, "gone", utf8("x"));
      await store.deleteObject(bucket, "gone");
      expect(await store.headObject(bucket, "gone")).toBeUndefined();
      await store.deleteObject(bucket, "never-existed");
      await store.deleteObject(bucket, "deep/never/existed");
    });

    it(
      "deletes 1,500 keys in one call, reporting each",
      async () => {
        const { store, bucket } = await fresh();
        const keys = Array.from({ length: 1500 }, (_, i) => `del/${i}`);
        await inBatches(keys, 100, (key) => store.putObject(bucket, key, utf8("x")));
        await store.putObject(bucket, "keep", utf8("k"));
        const result = await store.deleteObjects(bucket, [...keys, "del/missing"]);
        expect(result.errors).toEqual([]);
        expect([...result.deleted].sort()).toEqual([...keys, "del/missing"].sort());
        expect((await listAll(store, bucket)).keys).toEqual(["keep"]);
        expect(await store.deleteObjects(bucket, [])).toEqual({ deleted: [], errors: [] });
      },
      SLOW_TEST_MS,
    );

    it("copies with metadata kept by default and replaced when given", async () => {
      const { store, bucket } = await fresh();
      const body = seededBytes(4, 70_000);
      await store.putObject(bucket, "src key+1", body, {
        metadata: { "dg-a": "1", "dg-b": "two" },
        contentType: "application/zip",
      });
      const kept = await store.copyObject(bucket, "src key+1", bucket, "copy/kept");
      expect(kept.etag).toMatch(/^".+"$/);
      const keptInfo = await store.getObject(bucket, "copy/kept");
      expect(keptInfo.info.metadata).toEqual({ "dg-a": "1", "dg-b": "two" });
      expect(keptInfo.info.contentType).toBe("application/zip");
      expect(Buffer.from(await collect(keptInfo.body)).equals(Buffer.from(body))).toBe(true);

      await store.copyObject(bucket, "src key+1", bucket, "copy/replaced", {
        metadata: { "DG-New": "yes" },
        contentType: "text/plain",
      });
      const replaced = await store.headObject(bucket, "copy/replaced");
      expect(replaced?.metadata).toEqual({ "dg-new": "yes" });
      expect(replaced?.contentType).toBe("text/plain");
      expect(replaced?.size).toBe(70_000);

      await expectCode(store.copyObject(bucket, "no-such-key", bucket, "x"), "NOT_FOUND");
    });

    it("keeps the standard headers and tags through put, head and get", async () => {
      const { store, bucket } = await fresh();
      const body = seededBytes(5, 20_000);
      // Characters that need URL encoding in S3's Tagging header (moto allows ASCII only).
      const tags = { team: "build", "note key": "a b=c/d+e@f:g" };
      await store.putObject(bucket, "h/bytes", body, {
        contentType: "application/zip",
        headers: ALL_HEADERS,
        tags,
      });
      await store.putObject(bucket, "h/stream", chunked(body, 4096), {
        headers: { cacheControl: "no-cache" },
        tags: { only: "one" },
      });
      const head = await store.headObject(bucket, "h/bytes");
      expect(head?.headers).toEqual(ALL_HEADERS);
      expect(head?.contentType).toBe("application/zip");
      expect(head?.tagCount).toBe(2);
      const got = await store.getObject(bucket, "h/bytes");
      expect(got.info.headers).toEqual(ALL_HEADERS);
      expect(got.info.tagCount).toBe(2);
      expect(Buffer.from(await collect(got.body)).equals(Buffer.from(body))).toBe(true);
      expect(await store.getObjectTagging(bucket, "h/bytes")).toEqual(tags);

      const streamed = await store.headObject(bucket, "h/stream");
      expect(streamed?.headers).toEqual({ cacheControl: "no-cache" });
      expect(streamed?.tagCount).toBe(1);

      await store.putObject(bucket, "h/plain", utf8("plain"));
      const plain = await store.headObject(bucket, "h/plain");
      expect(plain?.headers).toBeUndefined();
      expect(plain?.tagCount).toBeUndefined();
      expect(await store.getObjectTagging(bucket, "h/plain")).toEqual({});
    });

    it("replaces and deletes tags without touching body, metadata, headers or ETag", async () => {
      const { store, bucket } = await fresh();
      const body = seededBytes(6, 30_000);
      const put = await store.putObject(bucket, "t/obj", body, {
        metadata: { m: "1" },
        headers: { contentLanguage: "fr" },
        tags: { a: "1" },
      });
      await store.putObjectTagging(bucket, "t/obj", { b: "2", c: "3" });
      expect(await store.getObjectTagging(bucket, "t/obj")).toEqual({ b: "2", c: "3" });
      const head = await store.headObject(bucket, "t/obj");
      expect(head?.tagCount).toBe(2);
      expect(head?.etag).toBe(put.etag);
      expect(head?.metadata).toEqual({ m: "1" });
      expect(head?.headers).toEqual({ contentLanguage: "fr" });
      expect(head?.size).toBe(body.length);

      await store.deleteObjectTagging(bucket, "t/obj");
      expect(await store.getObjectTagging(bucket, "t/obj")).toEqual({});
      const after = await store.getObject(bucket, "t/obj");
      expect(after.info.tagCount).toBeUndefined();
      expect(Buffer.from(await collect(after.body)).equals(Buffer.from(body))).toBe(true);

      await expectCode(store.getObjectTagging(bucket, "t/missing"), "NOT_FOUND");
      await expectCode(store.putObjectTagging(bucket, "t/missing", { a: "1" }), "NOT_FOUND");
    });

    it("copies headers and tags by default and replaces them when given", async () => {
      const { store, bucket } = await fresh();
      await store.putObject(bucket, "c/src", seededBytes(7, 5000), {
        metadata: { m: "1" },
        contentType: "text/plain",
        headers: ALL_HEADERS,
        tags: { keep: "me" },
      });
      await store.copyObject(bucket, "c/src", bucket, "c/kept");
      const kept = await store.headObject(bucket, "c/kept");
      expect(kept?.headers).toEqual(ALL_HEADERS);
      expect(kept?.contentType).toBe("text/plain");
      expect(await store.getObjectTagging(bucket, "c/kept")).toEqual({ keep: "me" });

      // New metadata only: headers and tags still come from the source.
      await store.copyObject(bucket, "c/src", bucket, "c/new-meta", { metadata: { n: "2" } });
      const newMeta = await store.headObject(bucket, "c/new-meta");
      expect(newMeta?.metadata).toEqual({ n: "2" });
      expect(newMeta?.headers).toEqual(ALL_HEADERS);
      expect(await store.getObjectTagging(bucket, "c/new-meta")).toEqual({ keep: "me" });

      await store.copyObject(bucket, "c/src", bucket, "c/replaced", {
        headers: { cacheControl: "no-store" },
        tags: { fresh: "tag", second: "2" },
      });
      const replaced = await store.headObject(bucket, "c/replaced");
      expect(replaced?.headers).toEqual({ cacheControl: "no-store" });
      expect(replaced?.metadata).toEqual({ m: "1" });
      expect(replaced?.contentType).toBe("text/plain");
      expect(await store.getObjectTagging(bucket, "c/replaced")).toEqual({
        fresh: "tag",
        second: "2",
      });

      await store.copyObject(bucket, "c/src", bucket, "c/bare", { headers: {}, tags: {} });
      const bare = await store.headObject(bucket, "c/bare");
      expect(bare?.headers).toBeUndefined();
      expect(bare?.tagCount).toBeUndefined();
    });

    it("reports a missing key and a missing bucket as NOT_FOUND", async () => {
      const { store, bucket } = await fresh();
      expect(await store.headObject(bucket, "missing")).toBeUndefined();
      await expectCode(store.getObject(bucket, "missing"), "NOT_FOUND");
      const nowhere = `${bucket.slice(0, 40)}-missing`;
      await expectCode(store.getObject(nowhere, "k"), "NOT_FOUND");
      await expectCode(store.putObject(nowhere, "k", utf8("x")), "NOT_FOUND");
      await expectCode(store.listObjects(nowhere), "NOT_FOUND");
      await expectCode(store.deleteBucket(nowhere), "NOT_FOUND");
      expect(await store.headBucket(nowhere)).toBe(false);
    });

    it("creates, lists, heads and deletes buckets; refuses to delete a full one", async () => {
      const { store, bucket } = await fresh();
      const rng = createRng(bucket.length);
      const other = `${bucket.slice(0, 40)}-b${rng.int(1000, 9999)}`;
      expect(await store.headBucket(bucket)).toBe(true);
      expect(await store.headBucket(other)).toBe(false);
      await store.createBucket(other);
      try {
        expect(await store.headBucket(other)).toBe(true);
        const names = (await store.listBuckets()).map((b) => b.name);
        expect(names).toContain(bucket);
        expect(names).toContain(other);
        await expectCode(store.createBucket(other), "CONFLICT");

        await store.putObject(bucket, "x", utf8("cross-bucket"), { metadata: { m: "1" } });
        await store.copyObject(bucket, "x", other, "y/z");
        const got = await store.getObject(other, "y/z");
        expect(Buffer.from(await collect(got.body)).toString()).toBe("cross-bucket");
        expect(got.info.metadata).toEqual({ m: "1" });

        await expectCode(store.deleteBucket(other), "CONFLICT");
        await store.deleteObject(other, "y/z");
      } finally {
        await store.deleteBucket(other).catch(() => undefined);
      }
      expect(await store.headBucket(other)).toBe(false);
      expect((await store.listBuckets()).map((b) => b.name)).not.toContain(other);
    });

    it("stops with CANCELLED when the signal is already aborted", async () => {
      const { store, bucket } = await fresh();
      await store.putObject(bucket, "k", utf8("x"));
      const signal = AbortSignal.abort();
      await expectCode(store.getObject(bucket, "k", { signal }), "CANCELLED");
      await expectCode(store.putObject(bucket, "k2", utf8("x"), { signal }), "CANCELLED");
      await expectCode(store.listObjects(bucket, { signal }), "CANCELLED");
      expect(await store.headObject(bucket, "k2")).toBeUndefined();
    });
  });
}
