import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createBufferSource } from "@dg/core/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstRelease } from "../test/corpus.js";
import { gnuGzip, hasBinary } from "../test/gnu.js";
import { writeTar } from "../test/tar-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { deflateWhole } from "./deflate-engines.js";
import { expandArchive } from "./expand.js";
import type { Segment } from "./segments.js";
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

/** Rebuild the original from the expanded bytes and the segments (in memory, for tests). */
function rebuild(expanded: Uint8Array, segments: readonly Segment[]): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of segments) {
    if (s.kind === "raw") {
      parts.push(expanded.subarray(at, at + s.length));
      at += s.length;
    } else {
      if (s.params === undefined) throw new Error("no settings");
      parts.push(deflateWhole(s.params, expanded.subarray(at, at + s.inflatedLength)));
      at += s.inflatedLength;
    }
  }
  return Buffer.concat(parts);
}

async function expand(bytes: Uint8Array, search: boolean, maxExpandedSize = LIMIT) {
  const path = join(dir, `x-${Math.random().toString(36).slice(2)}`);
  const result = await expandArchive(createBufferSource(bytes), path, { search, maxExpandedSize });
  return { ...result, bytes: await readFile(path) };
}

describe("expandArchive", () => {
  it("zip: headers raw, every entry inflated, and the segments rebuild the file", async () => {
    const zip = writeZip(files.map((f, i) => ({ ...f, level: 1 + (i % 9) })));
    const x = await expand(zip, true);
    expect(x.container).toBe("zip");
    expect(x.streams).toBe(files.length);
    expect(x.keptCompressed).toBe(0);
    expect(originalSizeOf(x.segments)).toBe(zip.length);
    expect(expandedSizeOf(x.segments)).toBe(x.bytes.length);
    expect(x.bytes.includes(Buffer.from(files[3]!.data))).toBe(true);
    expect(rebuild(x.bytes, x.segments).equals(Buffer.from(zip))).toBe(true);
  });

  it("gzip: members inflated, trailers and padding raw", async () => {
    const tgz = Buffer.concat([
      gzipSync(writeTar(files), { level: 9 }),
      gzipSync(Buffer.from("second member"), { level: 1 }),
      new Uint8Array(100),
    ]);
    const x = await expand(tgz, true);
    expect(x.container).toBe("gzip");
    expect(x.streams).toBe(2);
    expect(x.segments.map((s) => s.kind)).toEqual(["raw", "deflate", "raw", "deflate", "raw"]);
    expect(rebuild(x.bytes, x.segments).equals(tgz)).toBe(true);
  });

  it("copies anything else as one raw segment", async () => {
    const tar = writeTar(files);
    const x = await expand(tar, true);
    expect(x.container).toBeUndefined();
    expect(x.segments).toEqual([{ kind: "raw", length: tar.length }]);
    expect(x.bytes.equals(Buffer.from(tar))).toBe(true);
  });

  it("keeps a damaged stream compressed", async () => {
    const tgz = Buffer.from(gzipSync(writeTar(files), { level: 9 }));
    tgz[tgz.length - 6] = (tgz[tgz.length - 6] ?? 0) ^ 1; // the trailer's length field
    const x = await expand(tgz, true);
    expect(x.streams).toBe(0);
    expect(x.keptCompressed).toBe(1);
    expect(x.bytes.equals(tgz)).toBe(true);
  });

  it("keeps streams compressed past the expansion limit", async () => {
    const zip = writeZip(files);
    const x = await expand(zip, false, 10_000);
    expect(x.expandedSize).toBeLessThanOrEqual(10_000 + zip.length);
    expect(x.streams).toBeLessThan(files.length);
    expect(x.streams).toBeGreaterThan(0);
  });

  it.skipIf(!hasBinary("gzip"))(
    "GNU gzip: found to be GNU gzip's deflate, at its level",
    async () => {
      const gz = gnuGzip(writeTar(files), 7);
      const target = await expand(gz, true);
      expect(target.streams).toBe(1);
      const stream = target.segments.find((s) => s.kind === "deflate");
      expect(stream?.kind === "deflate" && stream.params?.engine).toBe("gnu");
      expect(rebuild(target.bytes, target.segments).equals(Buffer.from(gz))).toBe(true);
    },
  );

  it("a stream no engine reproduces: kept compressed in a target, inflated in a reference", async () => {
    const stored = gzipSync(writeTar(files), { level: 0 });
    const target = await expand(stored, true);
    expect(target.streams).toBe(0);
    expect(target.keptCompressed).toBe(1);
    const reference = await expand(stored, false);
    expect(reference.streams).toBe(1);
    expect(reference.bytes.includes(Buffer.from(files[0]!.data))).toBe(true);
  });

  it("walks past members no engine reproduces, keeping each compressed", async () => {
    const members = Buffer.concat(files.slice(0, 6).map((f) => gzipSync(f.data, { level: 0 })));
    const x = await expand(members, true);
    expect(x.streams).toBe(0);
    expect(x.keptCompressed).toBe(6);
    expect(x.bytes.equals(members)).toBe(true);
  });

  it("expands a reference the same way every time", async () => {
    const zip = writeZip(files);
    const a = await expand(zip, false);
    const b = await expand(zip, false);
    expect(a.bytes.equals(b.bytes)).toBe(true);
  });
});
