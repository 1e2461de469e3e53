import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { ScratchBlob } from "@dg/core";
import { collectBytes, IntegrityError } from "@dg/core";
import { createBufferSource, createMemoryScratchSpace } from "@dg/core/memory";
import { createTempDir } from "@dg/node";
import { createRng } from "@dg/testkit";
import { createXdeltaCodec } from "@dg/xdelta";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstRelease, nextRelease, sourceText } from "../test/corpus.js";
import { gnuGzip, hasBinary, infoZip } from "../test/gnu.js";
import { writeTar } from "../test/tar-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { createByteReader } from "./byte-reader.js";
import { detectContainer } from "./container.js";
import { readArchiveDeltaHeader } from "./decode-archive.js";
import type { DeflatePool } from "./deflate-pool.js";
import { createDeflatePool } from "./deflate-pool.js";
import { encodeArchive } from "./encode-archive.js";
import type { ArchiveDeltaHeaderV2 } from "./header-v2.js";
import type { DeflateSegment } from "./segments.js";

const inner = createXdeltaCodec({ engine: "builtin" });
let tempDir = "";
let pool: DeflatePool;
beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), "dg-encode-archive-test-"));
  pool = createDeflatePool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
  await rm(tempDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Encode, then read back the header of what was chosen (undefined for a plain delta). */
async function encode(reference: Uint8Array, target: Uint8Array, expectedSha256?: string) {
  const work = await createTempDir({ directory: tempDir });
  const scratch = createMemoryScratchSpace();
  let blob: ScratchBlob | undefined;
  try {
    const chosen = await encodeArchive({
      inner,
      pool,
      reference: createBufferSource(reference),
      target: createBufferSource(target),
      rawTarget: (async function* () {
        yield target;
      })(),
      ...(expectedSha256 === undefined ? {} : { expectedSha256 }),
      container: detectContainer(target) ?? "zip",
      work,
      scratch,
      maxExpandedSize: 2 ** 40,
      signal: undefined,
      // These files are small: test the paths of large ones.
      smallFile: 0,
    });
    blob = chosen.blob;
    const delta = await collectBytes(blob.open());
    let header: ArchiveDeltaHeaderV2 | undefined;
    if (chosen.formats.length > 0) {
      const parsed = await readArchiveDeltaHeader(createByteReader(blob.open()));
      if (parsed.version !== 2) throw new Error("expected version 2");
      header = parsed;
    }
    return { report: chosen.report, header, delta, blobs: scratch.live };
  } finally {
    await blob?.dispose();
    await work.dispose();
  }
}

const kinds = (header: ArchiveDeltaHeaderV2 | undefined) => header?.segments.map((s) => s.kind);
const streams = (header: ArchiveDeltaHeaderV2 | undefined) =>
  (header?.segments ?? []).filter((s): s is DeflateSegment => s.kind === "deflate");

const v1 = firstRelease(81, { files: 40, meanSize: 4000 });
const v2 = nextRelease(v1, 82);
/** Files of `files` whose bytes some file of `before` has (their streams are copies). */
const unchanged = (files: typeof v1, before: typeof v1) =>
  files.filter((f) => before.some((b) => Buffer.from(b.data).equals(Buffer.from(f.data))));

describe("encodeArchive", () => {
  it("copies the unchanged entries of a zip and reproduces the changed ones", async () => {
    const ref = writeZip(v1);
    const target = writeZip(v2);
    const same = unchanged(v2, v1).length;
    const { report, header, blobs } = await encode(ref, target);
    expect(report).toMatchObject({ chosen: "archive", path: "archive", why: "streams-reproduced" });
    expect(blobs).toBe(1);
    expect(same).toBeGreaterThan(v2.length / 2);
    expect(report.copiedStreams).toBe(same);
    expect(report.streams).toBe(v2.length - same);
    expect(report.rawDeltaSize).toBeUndefined();
    expect(kinds(header)?.filter((k) => k === "copy")).toHaveLength(report.copiedStreams);
    expect(header?.targetSha256).toBe(sha256(target));
    // Copied entries are left out of the expanded reference.
    expect(header?.referencePieces.filter((p) => p.kind === "skip")).toHaveLength(
      report.copiedStreams,
    );
  });

  it("does not copy a reference stream with the same length and CRC-32 but other bytes", async () => {
    const target = writeZip(v1);
    // The reference: the same zip with one entry's compressed bytes changed in place, so that
    // its directory still gives the target's length and CRC-32.
    const ref = Buffer.from(target);
    const name = Buffer.from(v1[7]?.name ?? "");
    const at = ref.indexOf(name) + name.length + 10;
    ref[at] = (ref[at] ?? 0) ^ 0x55;
    const { report } = await encode(ref, target);
    expect(report.copiedStreams).toBe(v1.length - 1);
    expect(report.streams).toBe(1);
    // The damaged reference stream does not inflate, so the target's stream finds nothing to
    // match once inflated, while the plain delta sees a one-byte change: it is made and kept.
    expect(report).toMatchObject({ path: "archive+raw", why: "inflating-gained-little" });
    expect(report.chosen).toBe("raw");
  });

  it("copies identical gzip members without inflating them", async () => {
    const members = (files: typeof v1) =>
      Buffer.concat(files.slice(0, 12).map((f) => gzipSync(f.data, { level: 6 })));
    const ref = members(v1);
    const target = members(v2);
    const { report } = await encode(ref, target);
    const same = unchanged(v2.slice(0, 12), v1.slice(0, 12)).length;
    expect(same).toBeGreaterThan(0);
    expect(report.copiedStreams).toBe(same);
    expect(report.streams).toBe(12 - same);
  });

  it("cuts a long stream into pieces, each checked", async () => {
    const rng = createRng(83);
    const words = ["alpha", "beta", "gamma", "delta", "omega", "lambda", "sigma", "kappa"];
    const text = Buffer.from(sourceText(rng, words, 5_000_000));
    const edited = Buffer.concat([
      text.subarray(0, 3_000_000),
      Buffer.from("edit"),
      text.subarray(3_000_000),
    ]);
    const { report, header } = await encode(
      gzipSync(text, { level: 6 }),
      gzipSync(edited, { level: 6 }),
    );
    expect(report.chosen).toBe("archive");
    const [stream] = streams(header);
    expect(stream?.params?.engine).toBe("node-zlib");
    expect(stream?.pieces?.length).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(!hasBinary("gzip"))(
    "finds GNU gzip's deflate, and cuts its long streams too",
    async () => {
      const rng = createRng(84);
      const text = Buffer.from(sourceText(rng, ["one", "two", "three", "four", "five"], 3_000_000));
      const { header } = await encode(gnuGzip(text.subarray(1000), 7), gnuGzip(text, 7));
      const [stream] = streams(header);
      expect(stream?.params).toMatchObject({ engine: "gnu", level: 7 });
      expect(stream?.pieces?.length).toBeGreaterThanOrEqual(1);
    },
  );

  it.skipIf(!hasBinary("zip", ["-v"]))("Info-ZIP entries: copied or reproduced", async () => {
    const { report } = await encode(infoZip(v1), infoZip(v2));
    expect(report.keptCompressed).toBe(0);
    expect(report.copiedStreams).toBeGreaterThan(0);
    expect(report.streams).toBeGreaterThan(0);
  });

  it("keeps a stream no engine reproduces compressed, and makes only the plain delta", async () => {
    const stored = (files: typeof v1) => gzipSync(writeTar(files), { level: 0 });
    const { report, header } = await encode(stored(v1), stored(v2));
    expect(report).toMatchObject({
      chosen: "raw",
      path: "raw",
      why: "no-reproducible-streams",
      keptCompressed: 1,
    });
    expect(header).toBeUndefined();
  });

  it("makes both deltas when few of the changed streams are reproduced", async () => {
    // Changed entries, most of them stored as deflate streams no engine makes (level 0).
    const mixed = (files: typeof v1) =>
      writeZip(files.map((f, i) => ({ ...f, level: i % 4 === 0 ? 6 : 0 })));
    const { report } = await encode(mixed(v1), mixed(v2));
    expect(report.path).toBe("archive+raw");
    expect(report.why).toBe("few-streams-reproduced");
    expect(report.rawDeltaSize).toBeGreaterThan(0);
    expect(report.archiveDeltaSize).toBeGreaterThan(0);
  });

  it("makes the plain delta too when a changed stream holds new content, and keeps the smaller", async () => {
    // The README demo's case: one entry rewritten with new text. Its deflated bytes are smaller
    // than the inner delta of its inflated ones, so the archive delta is the larger here.
    const rng = createRng(85);
    const words = ["const", "return", "value", "release", "delta", "buffer", "index", "module"];
    const text = (seed: number) =>
      Buffer.from(sourceText(createRng(seed), words, 400_000 + rng.int(0, 10)));
    const noise = Buffer.from(createHash("sha512").update("noise").digest());
    const zip = (main: Uint8Array) =>
      writeZip([
        { name: "app/main.js", data: main },
        { name: "app/noise.bin", data: Buffer.concat(Array(2000).fill(noise)) },
      ]);
    const { report } = await encode(zip(text(1)), zip(text(2)));
    expect(report).toMatchObject({ path: "archive+raw", why: "inflating-gained-little" });
    const { archiveDeltaSize = 0, rawDeltaSize = 0 } = report;
    expect(rawDeltaSize).toBeLessThan(archiveDeltaSize);
    expect(report.chosen).toBe("raw");
  });

  it("makes both deltas of a small file, and keeps the smaller", async () => {
    const ref = writeZip(v1);
    const target = writeZip(v2);
    const work = await createTempDir({ directory: tempDir });
    try {
      const chosen = await encodeArchive({
        inner,
        pool,
        reference: createBufferSource(ref),
        target: createBufferSource(target),
        rawTarget: (async function* () {
          yield target;
        })(),
        container: "zip",
        work,
        scratch: createMemoryScratchSpace(),
        maxExpandedSize: 2 ** 40,
        signal: undefined,
      });
      expect(chosen.report).toMatchObject({ path: "archive+raw", why: "small-file" });
      const { archiveDeltaSize = 0, rawDeltaSize = 0 } = chosen.report;
      expect(chosen.blob.size).toBe(Math.min(archiveDeltaSize, rawDeltaSize));
      await chosen.blob.dispose();
    } finally {
      await work.dispose();
    }
  });

  it("makes the plain delta of a file identical to its reference", async () => {
    const zip = writeZip(v1);
    const { report, delta } = await encode(zip, zip);
    expect(report).toMatchObject({ chosen: "raw", path: "raw", why: "identical" });
    expect(delta.length).toBeLessThan(1000);
  });

  it("refuses a target whose bytes are not those the caller hashed", async () => {
    await expect(encode(writeZip(v1), writeZip(v2), "00".repeat(32))).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });

  it("leaves no file behind in its work folder's parent", async () => {
    await encode(writeZip(v1), writeZip(v2));
    expect(await readdir(tempDir)).toEqual([]);
  });
});
