import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { UnsupportedError } from "@dg/core";
import { initModule, unxzAsync, xzAsync } from "node-liblzma/wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  concat,
  createRng,
  decodeAll,
  hasXdelta3,
  randomBytes,
  xdelta3Encode,
} from "../../test/fixtures-decode/harness.js";
import { parseXdelta3AppHeader } from "./app-header.js";
import type { DecodeWarning } from "./options.js";
import { readVcdiffHeader } from "./file-header.js";

const run = promisify(execFile);
const hasTool = async (name: string) =>
  run(name, ["--version"]).then(
    () => true,
    () => false,
  );
const ready = (await hasXdelta3()) && (await hasTool("gzip"));
const xzReady = ready && (await hasTool("xz"));
const bzip2Ready = ready && (await hasTool("bzip2"));

const rng = createRng(777);
const oldContent = randomBytes(rng, 200_000, 32);
const newContent = concat(
  oldContent.subarray(0, 90_000),
  randomBytes(rng, 500, 32),
  oldContent.subarray(90_000),
);

describe("parseXdelta3AppHeader", () => {
  const parse = (s: string) => parseXdelta3AppHeader(new TextEncoder().encode(s));
  it("reads xdelta3's layout", () => {
    expect(parse("b.gz/G/a.gz/G")).toEqual({
      targetName: "b.gz",
      targetCompression: "gzip",
      sourceName: "a.gz",
      sourceCompression: "gzip",
    });
    expect(parse("new.zip//ref.bin/")).toEqual({ targetName: "new.zip", sourceName: "ref.bin" });
    expect(parse("b.xz/Y/a/")).toMatchObject({ targetCompression: "xz" });
    expect(parse("b.bz2/B")).toEqual({ targetName: "b.bz2", targetCompression: "bzip2" });
    expect(parse("something else")).toBeUndefined();
    expect(parse("a/xy/b/")).toBeUndefined();
  });
});

describe.skipIf(!ready)("deltas xdelta3 made over content it decompressed", () => {
  let tempDir = "";
  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), "dg-xdelta-recovery-"));
  });
  afterAll(async () => {
    await rm(tempDir, { recursive: true, force: true });
  });

  const oldGz = gzipSync(oldContent);
  const newGz = gzipSync(newContent, { level: 9 });
  const names = { source: "a.gz", target: "b.gz" };

  it("are detected and refused with a clear UnsupportedError by default", async () => {
    const delta = await xdelta3Encode(oldGz, newGz, ["-9"], names);
    const header = await readVcdiffHeader(delta);
    expect(header.xdelta3).toMatchObject({ targetCompression: "gzip", sourceCompression: "gzip" });
    const error = await decodeAll(oldGz, delta).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    const e = error as UnsupportedError;
    expect(e.message).toContain("made by xdelta3 over decompressed content");
    expect(e.message).toContain("original bytes cannot be rebuilt");
    expect(e.hint).toContain("recoverExternalCompression");
  });

  it("recovery re-compresses with gzip and says the result is not byte-identical", async () => {
    const delta = await xdelta3Encode(oldGz, newGz, ["-9"], names);
    const warnings: DecodeWarning[] = [];
    const out = await decodeAll(oldGz, delta, {
      recoverExternalCompression: true,
      onWarning: (w) => warnings.push(w),
      tempDir,
      expectedSize: newGz.length, // the original's size, which the re-compressed output lacks
    });
    expect(Buffer.from(gunzipSync(out)).equals(Buffer.from(newContent))).toBe(true);
    expect(warnings.map((w) => w.code)).toEqual(["external-recompression"]);
    expect(warnings[0]!.message).toContain("NOT byte-identical");
  });

  it("recovery of a source-only /G delta is exact, and spills a large source to a temp file", async () => {
    const delta = await xdelta3Encode(oldGz, newContent, ["-9"], {
      source: "a.gz",
      target: "b.bin",
    });
    expect((await readVcdiffHeader(delta)).xdelta3).toMatchObject({ sourceCompression: "gzip" });
    await expect(decodeAll(oldGz, delta)).rejects.toBeInstanceOf(UnsupportedError);
    const warnings: DecodeWarning[] = [];
    const out = await decodeAll(oldGz, delta, {
      recoverExternalCompression: true,
      onWarning: (w) => warnings.push(w),
      maxInMemorySource: 10_000,
      tempDir,
    });
    expect(Buffer.from(out).equals(Buffer.from(newContent))).toBe(true);
    expect(warnings.map((w) => w.code)).toEqual(["external-source-decompressed"]);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it.runIf(xzReady)("recovers xz (/Y) deltas with liblzma", async () => {
    await initModule();
    const oldXz = await xzAsync(oldContent);
    const delta = await xdelta3Encode(oldXz, await xzAsync(newContent), ["-9"], {
      source: "a.xz",
      target: "b.xz",
    });
    expect((await readVcdiffHeader(delta)).xdelta3).toMatchObject({ targetCompression: "xz" });
    const out = await decodeAll(oldXz, delta, { recoverExternalCompression: true });
    expect(Buffer.from(await unxzAsync(out)).equals(Buffer.from(newContent))).toBe(true);
  });

  it.runIf(bzip2Ready)("refuses bzip2 (/B) deltas even in recovery mode", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dg-xdelta-bz-"));
    try {
      const { writeFile, readFile } = await import("node:fs/promises");
      await writeFile(join(dir, "a"), oldContent);
      await writeFile(join(dir, "b"), newContent);
      await run("bzip2", ["-k", join(dir, "a"), join(dir, "b")]);
      const oldBz = new Uint8Array(await readFile(join(dir, "a.bz2")));
      const newBz = new Uint8Array(await readFile(join(dir, "b.bz2")));
      const delta = await xdelta3Encode(oldBz, newBz, ["-9"], { source: "a.bz2", target: "b.bz2" });
      const error = await decodeAll(oldBz, delta, { recoverExternalCompression: true }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toContain("bzip2");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
