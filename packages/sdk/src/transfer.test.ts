import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProgressEvent } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caught, concat, memoryClient } from "../test/memory-client.js";
import { hasCode } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes(11, 30_000);
const v2 = concat(v1, seededBytes(12, 300));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-sdk-transfer-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("uploadFile", () => {
  it("names keys as aws s3 cp does", async () => {
    const { client } = memoryClient();
    const file = join(dir, "app-1.zip");
    await writeFile(file, v1);
    const intoFolder = await client.uploadFile(file, "s3://bkt/rel/");
    expect(intoFolder).toMatchObject({
      bucket: "bkt",
      key: "rel/app-1.zip",
      storageType: "reference",
      originalSize: v1.length,
      sha256: sha(v1),
    });
    const renamed = await client.uploadFile(file, "s3://bkt/rel/renamed.zip");
    expect(renamed).toMatchObject({ key: "rel/renamed.zip", storedKey: "rel/renamed.zip.delta" });
    expect(renamed.storageType).toBe("delta");
    expect(renamed.savingsPercent).toBeGreaterThan(99);
    const atRoot = await client.uploadFile(file, "s3://bkt");
    expect(atRoot.key).toBe("app-1.zip");
  });

  it("reports progress and keeps metadata", async () => {
    const { client } = memoryClient();
    const file = join(dir, "notes.txt");
    await writeFile(file, v2);
    const events: ProgressEvent[] = [];
    await client.uploadFile(file, "s3://bkt/docs/", {
      metadata: { team: "x" },
      contentType: "text/plain",
      onProgress: (e) => events.push(e),
    });
    expect(events[0]).toEqual({ type: "start", key: "docs/notes.txt", totalBytes: v2.length });
    const bytes = events.reduce((n, e) => n + (e.type === "bytes" ? e.bytes : 0), 0);
    expect(bytes).toBe(v2.length);
    expect(events.at(-1)?.type).toBe("done");
    const head = await client.headObject({ Bucket: "bkt", Key: "docs/notes.txt" });
    expect(head).toMatchObject({ Metadata: { team: "x" }, ContentType: "text/plain" });
  });

  it("fails clearly for a missing file or a folder", async () => {
    const { client } = memoryClient();
    expect(
      hasCode(await caught(client.uploadFile(join(dir, "nope"), "s3://bkt/")), "NOT_FOUND"),
    ).toBe(true);
    expect(hasCode(await caught(client.uploadFile(dir, "s3://bkt/")), "INVALID_ARGUMENT")).toBe(
      true,
    );
  });
});

describe("downloadFile", () => {
  it("writes the verified file, into a folder when asked, creating parents", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    const events: ProgressEvent[] = [];
    const target = join(dir, "a", "b", "out.zip");
    const result = await client.downloadFile("s3://bkt/rel/app-2.zip", target, {
      onProgress: (e) => events.push(e),
    });
    expect(result).toMatchObject({
      path: target,
      size: v2.length,
      sha256: sha(v2),
      verified: true,
      storageType: "delta",
    });
    expect(sha(await readFile(target))).toBe(sha(v2));
    expect(events.reduce((n, e) => n + (e.type === "bytes" ? e.bytes : 0), 0)).toBe(v2.length);
    const intoFolder = await client.downloadFile("s3://bkt/rel/app-1.zip", `${dir}/`);
    expect(intoFolder.path).toBe(join(dir, "app-1.zip"));
    const intoExisting = await client.downloadFile("s3://bkt/rel/app-1.zip", join(dir, "a"));
    expect(intoExisting.path).toBe(join(dir, "a", "app-1.zip"));
  });

  it("leaves nothing behind when the check fails, and keeps an existing file", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "data.bin", Body: v1 });
    const stored = await store.headObject("bkt", "data.bin");
    // Same size, other bytes: only the SHA-256 check can notice.
    await store.putObject("bkt", "data.bin", seededBytes(99, v1.length), {
      metadata: stored?.metadata ?? {},
    });
    const target = join(dir, "data.bin");
    await writeFile(target, "previous");
    const error = await caught(client.downloadFile("s3://bkt/data.bin", target));
    expect(hasCode(error, "INTEGRITY")).toBe(true);
    expect(await readdir(dir)).toEqual(["data.bin"]);
    expect(await readFile(target, "utf8")).toBe("previous");
  });

  it("with exactPath, fails on a folder instead of writing into it", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "a", Body: v1 });
    await mkdir(join(dir, "a"));
    const error = await caught(
      client.downloadFile("s3://bkt/a", join(dir, "a"), { exactPath: true }),
    );
    expect(hasCode(error, "CONFLICT")).toBe(true);
    expect((error as Error).message).toMatch(/is a folder/);
    expect(await readdir(join(dir, "a"))).toEqual([]);
    const slash = await caught(client.downloadFile("s3://bkt/a", `${dir}/`, { exactPath: true }));
    expect(hasCode(slash, "CONFLICT")).toBe(true);
  });

  it("refuses to replace a FIFO or a symbolic link, leaving them as they were", async () => {
    const { client } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "data.bin", Body: v1 });
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const fifoError = await caught(client.downloadFile("s3://bkt/data.bin", fifo));
    expect(hasCode(fifoError, "CONFLICT")).toBe(true);
    expect((fifoError as Error).message).toBe(
      `Refusing to replace ${fifo}: it is a named pipe (FIFO)`,
    );
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    const real = join(dir, "real.txt");
    await writeFile(real, "kept");
    const link = join(dir, "link");
    await symlink(real, link);
    const linkError = await caught(client.downloadFile("s3://bkt/data.bin", link));
    expect((linkError as Error).message).toBe(`Refusing to replace ${link}: it is a symbolic link`);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toBe("kept");
    expect((await readdir(dir)).sort()).toEqual(["link", "pipe", "real.txt"]);
  });

  it("creates no folders for a missing object", async () => {
    const { client } = memoryClient();
    const error = await caught(client.downloadFile("s3://bkt/nope.zip", join(dir, "x/y/z/")));
    expect(hasCode(error, "NOT_FOUND")).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a folder URI", async () => {
    const { client } = memoryClient();
    const error = await caught(client.downloadFile("s3://bkt/rel/", dir));
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
  });
});

describe("verifyObject", () => {
  it("says ok, mismatch or unverifiable", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "rel/app-1.zip", Body: v1 });
    await client.putObject({ Bucket: "bkt", Key: "rel/app-2.zip", Body: v2 });
    await store.putObject("bkt", "foreign.bin", v1, { metadata: {} });
    const ok = await client.verifyObject("s3://bkt/rel/app-2.zip");
    expect(ok).toMatchObject({
      status: "ok",
      storageType: "delta",
      expectedSha256: sha(v2),
      actualSha256: sha(v2),
    });
    expect((await client.verifyObject("s3://bkt/foreign.bin")).status).toBe("unverifiable");
    const ref = await store.headObject("bkt", "rel/reference.bin");
    await store.putObject("bkt", "rel/reference.bin", seededBytes(5, v1.length), {
      metadata: ref?.metadata ?? {},
    });
    // A fresh client: the first one still has the good reference in its cache.
    const { client: fresh } = memoryClient({ store });
    const bad = await fresh.verifyObject("s3://bkt/rel/app-2.zip");
    expect(bad.status).toBe("mismatch");
    expect(bad.message).toMatch(/SHA-256/);
  });
});

describe("parsed locations", () => {
  it("take { bucket, key } wherever they take an s3:// URI, with the same meaning", async () => {
    const { client } = memoryClient();
    const file = join(dir, "app-1.zip");
    await writeFile(file, v1);
    const up = await client.uploadFile(file, { bucket: "bkt", key: "rel/" });
    expect(up).toMatchObject({ bucket: "bkt", key: "rel/app-1.zip", storageType: "reference" });
    const down = await client.downloadFile({ bucket: "bkt", key: "rel/app-1.zip" }, `${dir}/out/`);
    expect(down.path).toBe(join(dir, "out", "app-1.zip"));
    expect(sha(await readFile(down.path))).toBe(sha(v1));
    const verified = await client.verifyObject({ bucket: "bkt", key: "rel/app-1.zip" });
    expect(verified.status).toBe("ok");
    const estimate = await client.estimateCompression({ bucket: "bkt", key: "rel/" });
    expect(estimate).toMatchObject({ bucket: "bkt", prefix: "rel/" });
    const folder = await caught(client.verifyObject({ bucket: "bkt", key: "rel/" }));
    expect(hasCode(folder, "INVALID_ARGUMENT")).toBe(true);
    expect((folder as Error).message).toBe("Not an object: s3://bkt/rel/");
  });
});
