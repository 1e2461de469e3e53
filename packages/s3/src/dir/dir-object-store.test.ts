import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { ByteStream } from "@dg/core";
import { hasCode } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDirObjectStore } from "./dir-object-store.js";
import { keyToPath } from "./key-path.js";

async function collect(stream: ByteStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe("createDirObjectStore", () => {
  let sandbox: string;
  let root: string;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "dg-dir-"));
    root = join(sandbox, "store");
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  it("stores hostile keys inside the bucket folder and lists them back unchanged", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    const keys = [
      "../../x",
      "/etc/x",
      "a/../../b",
      "a\\..\\b",
      "x\u0000y",
      "..",
      ".",
      "./.",
      "~o",
      ".dg-tmp-fake",
    ];
    for (const key of keys) await store.putObject("bkt", key, Buffer.from(`v:${key}`));
    expect(await readdir(sandbox)).toEqual(["store"]);
    expect(await readdir(root)).toEqual(["bkt"]);
    for (const file of await filesUnder(root)) {
      const inside = relative(join(root, "bkt"), file);
      expect(inside.split(sep)).not.toContain("..");
      expect(isAbsolute(inside)).toBe(false);
    }
    const page = await store.listObjects("bkt");
    expect(page.objects.map((o) => o.key).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect((await collect((await store.getObject("bkt", key)).body)).toString()).toBe(`v:${key}`);
    }
    await store.deleteObjects("bkt", keys);
    expect((await store.listObjects("bkt")).objects).toEqual([]);
    expect(await filesUnder(join(root, "bkt"))).toEqual([]);
  });

  it("refuses bucket names that could escape or that S3 refuses", async () => {
    const store = createDirObjectStore({ root });
    for (const name of ["..", "../x", "a/b", "a\\b", "UPPER", "ab", ".hidden", "x".repeat(64)]) {
      const error = await store.createBucket(name).catch((e: unknown) => e);
      expect(hasCode(error, "INVALID_ARGUMENT"), name).toBe(true);
      expect(await store.headBucket(name)).toBe(false);
    }
    await expect(store.listBuckets()).resolves.toEqual([]);
  });

  it("accepts a file: URL as root and ignores foreign folders in listBuckets", async () => {
    const store = createDirObjectStore({ root: pathToFileURL(root) });
    await store.createBucket("real-bucket");
    await mkdir(join(root, "Not_A_Bucket"));
    await writeFile(join(root, "file-not-folder"), "x");
    expect((await store.listBuckets()).map((b) => b.name)).toEqual(["real-bucket"]);
    expect(store.description).toBe(`dir ${root}`);
  });

  it("keeps the old version when a write fails midway, and leaves no temporary file", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    await store.putObject("bkt", "k", Buffer.from("old"), { metadata: { v: "1" } });
    async function* failing(): ByteStream {
      yield seededBytes(1, 100_000);
      throw new Error("disk pulled");
    }
    await expect(
      store.putObject("bkt", "k", failing(), { metadata: { v: "2" } }),
    ).rejects.toThrow();
    await expect(store.putObject("bkt", "new/deep/k", failing())).rejects.toThrow();
    const got = await store.getObject("bkt", "k");
    expect((await collect(got.body)).toString()).toBe("old");
    expect(got.info.metadata).toEqual({ v: "1" });
    expect((await filesUnder(join(root, "bkt"))).map((f) => relative(root, f))).toEqual([
      "bkt/k~o",
    ]);
    expect(await store.headObject("bkt", "new/deep/k")).toBeUndefined();
  });

  it("lists size, ETag and time from each file's trailer, small or large, and flags a damaged one", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    // A trailer over the 4 KiB read from the end of the file, and bodies shorter than it.
    const metadata = { big: "m".repeat(6000) };
    const bodies: Record<string, Uint8Array> = {
      "empty.txt": new Uint8Array(0),
      "large-trailer.bin": seededBytes("dir-list-a", 9000),
      "tiny.txt": new TextEncoder().encode("x"),
    };
    const etags: Record<string, string | undefined> = {};
    for (const [key, body] of Object.entries(bodies)) {
      const put = await store.putObject("bkt", key, body, key === "tiny.txt" ? {} : { metadata });
      etags[key] = put.etag;
    }
    const page = await store.listObjects("bkt");
    expect(page.objects.map((o) => [o.key, o.size, o.etag])).toEqual(
      Object.entries(bodies).map(([key, body]) => [key, body.length, etags[key]]),
    );
    for (const object of page.objects) {
      const head = await store.headObject("bkt", object.key);
      expect(object.lastModified.getTime()).toBe(head?.lastModified.getTime());
    }
    const [file] = (await filesUnder(join(root, "bkt"))).filter((f) => f.includes("tiny"));
    await writeFile(file as string, "not an object file");
    const damaged = await store.listObjects("bkt").catch((error: unknown) => error);
    expect(hasCode(damaged, "INTEGRITY")).toBe(true);
  });

  it("computes the ETag as the quoted MD5 of the content", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    const { etag } = await store.putObject("bkt", "k", Buffer.from("hello"));
    expect(etag).toBe('"5d41402abc4b2a76b9719d911017c592"');
  });

  it("streams a ranged get without reading the rest", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    const body = seededBytes(9, 3 * 1024 * 1024 + 17);
    await store.putObject("bkt", "big", body);
    const got = await store.getObject("bkt", "big", {
      range: { start: 1_000_000, end: 2_500_000 },
    });
    const bytes = await collect(got.body);
    expect(bytes.equals(Buffer.from(body.subarray(1_000_000, 2_500_001)))).toBe(true);
    await expect(store.getObject("bkt", "big", { range: { start: body.length } })).rejects.toThrow(
      /outside/,
    );
  });

  it("removes empty folders when their last object goes, and deletes an emptied bucket", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    await store.putObject("bkt", "x/y/z", Buffer.from("1"));
    await store.putObject("bkt", "x/w", Buffer.from("2"));
    await store.deleteObject("bkt", "x/y/z");
    expect(await readdir(join(root, "bkt"))).toEqual(["x~d"]);
    expect(await readdir(join(root, "bkt", "x~d"))).toEqual(["w~o"]);
    await store.deleteObject("bkt", "x/w");
    expect(await readdir(join(root, "bkt"))).toEqual([]);
    await store.deleteBucket("bkt");
    expect(await readdir(root)).toEqual([]);
  });

  it("reads object files written before headers and tags existed", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    const body = Buffer.from("old body");
    const etag = `"${createHash("md5").update(body).digest("hex")}"`;
    const trailer = Buffer.from(
      JSON.stringify({ v: 1, etag, contentType: "text/plain", metadata: { m: "1" } }),
    );
    const tail = Buffer.alloc(8);
    tail.writeUInt32BE(trailer.length, 0);
    tail.write("DGO1", 4, "latin1");
    const path = join(root, "bkt", ...keyToPath("old/file.txt"));
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, Buffer.concat([body, trailer, tail]));

    const head = await store.headObject("bkt", "old/file.txt");
    expect(head).toMatchObject({ size: body.length, etag, contentType: "text/plain" });
    expect(head?.headers).toBeUndefined();
    expect(head?.tagCount).toBeUndefined();
    expect(await store.getObjectTagging("bkt", "old/file.txt")).toEqual({});
    await store.copyObject("bkt", "old/file.txt", "bkt", "old/copy.txt");
    expect((await store.headObject("bkt", "old/copy.txt"))?.metadata).toEqual({ m: "1" });
  });

  it("retags in place: same ETag and modification time, no temporary file left", async () => {
    const store = createDirObjectStore({ root });
    await store.createBucket("bkt");
    const body = seededBytes("retag", 3 * 1024 * 1024 + 7);
    const put = await store.putObject("bkt", "t/x.bin", body, {
      headers: { cacheControl: "no-cache" },
    });
    const path = join(root, "bkt", ...keyToPath("t/x.bin"));
    const before = await store.headObject("bkt", "t/x.bin");
    await store.putObjectTagging("bkt", "t/x.bin", { a: "1" });
    const head = await store.headObject("bkt", "t/x.bin");
    expect(head?.etag).toBe(put.etag);
    expect(head?.tagCount).toBe(1);
    expect(head?.headers).toEqual({ cacheControl: "no-cache" });
    expect(head?.lastModified.getTime()).toBe(before?.lastModified.getTime());
    expect((await collect((await store.getObject("bkt", "t/x.bin")).body)).equals(body)).toBe(true);
    expect(await readdir(join(path, ".."))).toEqual([path.split(sep).pop()]);
  });
});

describe("createDirObjectStore capabilities", () => {
  let sandbox: string;
  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "dg-dir-capabilities-"));
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  it("shows the local owner's full control, refuses a new ACL, and signs no URL", async () => {
    const store = createDirObjectStore({ root: sandbox });
    await store.createBucket("local");
    const acl = store.capabilities?.acl;
    if (!acl) throw new Error("the dir store declares its (fixed) ACL");
    expect(await acl.getBucketAcl("local")).toEqual({
      owner: { id: "local", displayName: "local" },
      grants: [
        {
          grantee: { type: "CanonicalUser", id: "local", displayName: "local" },
          permission: "FULL_CONTROL",
        },
      ],
    });
    expect(hasCode(await acl.getBucketAcl("nope").catch((e) => e), "NOT_FOUND")).toBe(true);
    const refused = await acl.putBucketAcl("local", { canned: "public-read" }).catch((e) => e);
    expect(hasCode(refused, "UNSUPPORTED")).toBe(true);
    expect((refused as { hint?: string }).hint).toMatch(/file system's permissions/);
    expect(store.capabilities?.presign).toBeUndefined();
  });
});
