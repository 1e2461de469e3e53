import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createBufferSource } from "@dg/core/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstRelease } from "../test/corpus.js";
import { writeTar } from "../test/tar-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { expandArchive } from "./expand.js";
import { expandedSizeOf, originalSizeOf } from "./segments.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-expand-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const files = firstRelease(5, { files: 12, meanSize: 3000 });
const LIMIT = 2 ** 40;

let count = 0;
async function expand(bytes: Uint8Array, maxExpandedSize = LIMIT) {
  const path = join(dir, `x-${count++}`);
  const result = await expandArchive(createBufferSource(bytes), path, { maxExpandedSize });
  return { ...result, bytes: await readFile(path) };
}

describe("expandArchive (the reference of a version 1 delta)", () => {
  it("zip: headers raw, every entry inflated", async () => {
    const zip = writeZip(files.map((f, i) => ({ ...f, level: 1 + (i % 9) })));
    const x = await expand(zip);
    expect(x.container).toBe("zip");
    expect(x.streams).toBe(files.length);
    expect(x.keptCompressed).toBe(0);
    expect(originalSizeOf(x.segments)).toBe(zip.length);
    expect(expandedSizeOf(x.segments)).toBe(x.bytes.length);
    expect(x.bytes.includes(Buffer.from(files[3]!.data))).toBe(true);
  });

  it("gzip: members inflated, trailers and padding raw", async () => {
    const tgz = Buffer.concat([
      gzipSync(writeTar(files), { level: 9 }),
      gzipSync(Buffer.from("second member"), { level: 1 }),
      new Uint8Array(100),
    ]);
    const x = await expand(tgz);
    expect(x.container).toBe("gzip");
    expect(x.streams).toBe(2);
    expect(x.segments.map((s) => s.kind)).toEqual(["raw", "deflate", "raw", "deflate", "raw"]);
    expect(expandedSizeOf(x.segments)).toBe(x.bytes.length);
  });

  it("copies anything else as one raw segment", async () => {
    const tar = writeTar(files);
    const x = await expand(tar);
    expect(x.container).toBeUndefined();
    expect(x.segments).toEqual([{ kind: "raw", length: tar.length }]);
    expect(x.bytes.equals(Buffer.from(tar))).toBe(true);
  });

  it("keeps a damaged stream compressed", async () => {
    const tgz = Buffer.from(gzipSync(writeTar(files), { level: 9 }));
    tgz[tgz.length - 6] = (tgz[tgz.length - 6] ?? 0) ^ 1; // the trailer's length field
    const x = await expand(tgz);
    expect(x.streams).toBe(0);
    expect(x.keptCompressed).toBe(1);
    expect(x.bytes.equals(tgz)).toBe(true);
  });

  it("keeps streams compressed past the expansion limit", async () => {
    const zip = writeZip(files);
    const x = await expand(zip, 10_000);
    expect(x.expandedSize).toBeLessThanOrEqual(10_000 + zip.length);
    expect(x.streams).toBeLessThan(files.length);
    expect(x.streams).toBeGreaterThan(0);
  });

  it("inflates a stream no engine reproduces (a reference is only inflated)", async () => {
    const stored = gzipSync(writeTar(files), { level: 0 });
    const reference = await expand(stored);
    expect(reference.streams).toBe(1);
    expect(reference.bytes.includes(Buffer.from(files[0]!.data))).toBe(true);
  });

  it("expands a reference the same way every time", async () => {
    const zip = writeZip(files);
    const a = await expand(zip);
    const b = await expand(zip);
    expect(a.bytes.equals(b.bytes)).toBe(true);
  });
});
