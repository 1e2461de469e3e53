import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { ByteStream, DeltaCodec, RandomAccessSource, ReplayableTarget } from "@dg/core";
import {
  CancelledError,
  collectBytes,
  createDeltaService,
  IntegrityError,
  InternalError,
  isDgError,
  UnsupportedError,
} from "@dg/core";
import {
  createBufferSource,
  createMemoryObjectStore,
  createMemoryScratchSpace,
  createSha256Hasher,
  createSimpleMemoryReferenceCache,
} from "@dg/core/memory";
import { createRng, seededBytes } from "@dg/testkit";
import { createDeltaCodec, createNativeXdeltaCodec, createXdeltaCodec } from "@dg/xdelta";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstRelease, nextRelease, sourceText } from "../test/corpus.js";
import { gnuGzip, hasBinary, infoZip, jdkJar } from "../test/gnu.js";
import { chunked, decodeWith, encodeWith, same } from "../test/helpers.js";
import { writeTar } from "../test/tar-writer.js";
import type { ZipEntryInput } from "../test/zip-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { createArchiveCodec, createArchiveCodecWithPool } from "./archive-codec.js";
import type { DeflateJob } from "./deflate-jobs.js";
import type { DeflatePool } from "./deflate-pool.js";
import { createDeflatePool } from "./deflate-pool.js";
import type { ArchiveEncodeReport } from "./encode-archive.js";

const inner = createNativeXdeltaCodec();
let tempDir = "";

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), "dg-archive-test-"));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function codecWithReports(innerCodec: DeltaCodec = inner) {
  const reports: ArchiveEncodeReport[] = [];
  const codec = createArchiveCodec({
    inner: innerCodec,
    tempDir,
    onEncodeReport: (r) => reports.push(r),
  });
  return { codec, reports };
}

const v1 = firstRelease(11);
const v2 = nextRelease(v1, 12);

/** Encode with both codecs, check the choice, the size win and the exact round trip. */
async function expectArchiveWin(ref: Uint8Array, target: Uint8Array): Promise<Uint8Array> {
  const { codec, reports } = codecWithReports();
  const { delta, formats } = await encodeWith(codec, ref, target);
  expect(formats).toEqual(["dg-archive/2"]);
  expect(reports[0]?.chosen).toBe("archive");
  expect(reports[0]?.keptCompressed).toBe(0);
  const { delta: raw } = await encodeWith(inner, ref, target);
  expect(delta.length).toBeLessThan(raw.length / 2);
  expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  return delta;
}

/** Encode, expect the plain inner delta byte for byte, and a round trip through both codecs. */
async function expectRawFallback(
  ref: Uint8Array,
  target: Uint8Array,
): Promise<ArchiveEncodeReport> {
  const { codec, reports } = codecWithReports();
  const { delta, formats } = await encodeWith(codec, ref, target);
  expect(formats).toEqual([]);
  const { delta: raw } = await encodeWith(inner, ref, target);
  expect(same(delta, raw)).toBe(true);
  expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  expect(same(await decodeWith(inner, ref, delta), target)).toBe(true);
  return reports[0] as ArchiveEncodeReport;
}

describe("archive-aware deltas", () => {
  it("zip written by zlib (deflate level 6 per entry)", async () => {
    await expectArchiveWin(writeZip(v1), writeZip(v2));
  });

  it("jar: the same container, with META-INF/MANIFEST.MF first", async () => {
    const jar = (files: readonly ZipEntryInput[], version: string): Uint8Array =>
      writeZip([
        { name: "META-INF/", data: new Uint8Array(0), method: "store" },
        {
          name: "META-INF/MANIFEST.MF",
          data: Buffer.from(`Manifest-Version: 1.0\r\nImplementation-Version: ${version}\r\n\r\n`),
        },
        ...files.map((f) => ({ ...f, name: f.name.replace(/^package\//, "com/example/") })),
      ]);
    await expectArchiveWin(jar(v1, "1.0.0"), jar(v2, "1.0.1"));
  });

  it("npm-style tgz (tar, then gzip level 9)", async () => {
    await expectArchiveWin(
      gzipSync(writeTar(v1), { level: 9 }),
      gzipSync(writeTar(v2), { level: 9 }),
    );
  });

  it("multi-member gzip, with trailing zero padding", async () => {
    const members = (files: readonly { data: Uint8Array }[]): Uint8Array =>
      Buffer.concat([
        ...files.slice(0, 20).map((f, i) => gzipSync(f.data, { level: 1 + (i % 9) })),
        new Uint8Array(512),
      ]);
    const { codec, reports } = codecWithReports();
    const ref = members(v1);
    const target = members(v2);
    const { delta, formats } = await encodeWith(codec, ref, target);
    expect(formats).toEqual(["dg-archive/2"]);
    expect((reports[0]?.streams ?? 0) + (reports[0]?.copiedStreams ?? 0)).toBe(20);
    expect(reports[0]?.copiedStreams).toBeGreaterThan(0);
    expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  });

  it("zip with stored entries, data descriptors (bit 3) and zip64 records", async () => {
    const variant = (files: readonly ZipEntryInput[]): Uint8Array =>
      writeZip(
        files.map((f, i) => ({
          ...f,
          ...(i % 5 === 0 ? { method: "store" as const } : {}),
          dataDescriptor: i % 2 === 0,
          level: 1 + (i % 9),
        })),
        { zip64: true, comment: "built by a test" },
      );
    await expectArchiveWin(variant(v1), variant(v2));
  });

  it("a tgz against a plain tar reference", async () => {
    const ref = writeTar(v1);
    const target = gzipSync(writeTar(v2), { level: 9 });
    const { codec } = codecWithReports();
    const { delta, formats } = await encodeWith(codec, ref, target);
    expect(formats).toEqual(["dg-archive/2"]);
    expect(delta.length).toBeLessThan(target.length / 4);
    expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  });

  it.skipIf(!hasBinary("gzip"))("GNU gzip -9 (tar czf style): reproduced too", async () => {
    const delta = await expectArchiveWin(gnuGzip(writeTar(v1)), gnuGzip(writeTar(v2)));
    expect(delta.length).toBeGreaterThan(0);
  });

  it.skipIf(!hasBinary("zip", ["-v"]))("Info-ZIP zip: reproduced too", async () => {
    await expectArchiveWin(infoZip(v1), infoZip(v2));
  });

  it.skipIf(!hasBinary("jar", ["--version"]))("a jar made by the JDK's jar tool", async () => {
    await expectArchiveWin(jdkJar(v1), jdkJar(v2));
  });

  it("streams no engine reproduces stay compressed, and the raw delta is kept byte-exact", async () => {
    // Level 0 (stored blocks) is never searched: its output depends on how input was fed.
    const stored = (files: typeof v1) => gzipSync(writeTar(files), { level: 0 });
    const report = await expectRawFallback(stored(v1), stored(v2));
    expect(report).toMatchObject({
      chosen: "raw",
      path: "raw",
      why: "no-reproducible-streams",
      keptCompressed: 1,
    });
  });

  it("files that are no archive go straight to the inner codec", async () => {
    const report = await expectRawFallback(writeTar(v1), writeTar(v2));
    expect(report).toBeUndefined();
  });

  it("decodes plain inner deltas", async () => {
    const ref = writeZip(v1);
    const target = writeZip(v2);
    const { delta } = await encodeWith(inner, ref, target);
    const { codec } = codecWithReports();
    expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  });

  it("keeps the raw delta when the archive delta does not decode to the target", async () => {
    // An inner codec whose decoder flips one byte of what it rebuilds: the encoder's own
    // check must catch it and fall back.
    const flaky: DeltaCodec = {
      name: "flaky",
      encode: (s, t, o) => inner.encode(s, t, o),
      async *decode(s, d, o) {
        let first = true;
        for await (const chunk of inner.decode(s, d, o)) {
          const copy = chunk.slice();
          if (first && copy.length > 100 && s.size !== ref.length) copy[100] = (copy[100] ?? 0) ^ 1;
          first = false;
          yield copy;
        }
      },
    };
    const ref = writeZip(v1);
    const target = writeZip(v2);
    const { codec, reports } = codecWithReports(flaky);
    const { delta, formats } = await encodeWith(codec, ref, target);
    expect(formats).toEqual([]);
    expect(reports[0]?.reason).toBe("verification-failed");
    expect(same(await decodeWith(inner, ref, delta), target)).toBe(true);
  });

  it("a file against itself gets the plain delta", async () => {
    const zip = writeZip(v1);
    const { codec, reports } = codecWithReports();
    const { delta, formats } = await encodeWith(codec, zip, zip);
    expect(formats).toEqual([]);
    expect(reports[0]).toMatchObject({ chosen: "raw", why: "identical" });
    expect(same(await decodeWith(inner, zip, delta), zip)).toBe(true);
  });

  it("a zero-diff delta is the inner codec's, the streams not even looked at", async () => {
    const zip = writeZip(v1);
    const { codec, reports } = codecWithReports(createDeltaCodec({ format: "dgd" }));
    const { delta, formats } = await encodeWith(codec, zip, zip, { zeroDiff: true });
    expect(reports).toEqual([]);
    expect(formats).toEqual([]);
    expect([...delta.subarray(0, 3)]).toEqual([0xd6, 0xc3, 0xc4]);
    expect(same(await decodeWith(inner, zip, delta), zip)).toBe(true);
  });

  it("with a dgd inner codec: archive deltas hold dgd, a plain delta keeps the dgd/1 mark", async () => {
    const dgd = createDeltaCodec({ format: "dgd" });
    const win = codecWithReports(dgd);
    const archived = await encodeWith(win.codec, writeZip(v1), writeZip(v2));
    expect(archived.formats).toEqual(["dg-archive/2"]);
    expect(same(await decodeWith(win.codec, writeZip(v1), archived.delta), writeZip(v2))).toBe(
      true,
    );
    const stored = (files: typeof v1) => gzipSync(writeTar(files), { level: 0 });
    const raw = codecWithReports(dgd);
    const plain = await encodeWith(raw.codec, stored(v1), stored(v2));
    expect(raw.reports[0]?.chosen).toBe("raw");
    expect(plain.formats).toEqual(["dgd/1"]);
    expect([...plain.delta.subarray(0, 4)]).toEqual([0xd7, 0x44, 0x47, 0x44]);
    expect(same(await decodeWith(raw.codec, stored(v1), plain.delta), stored(v2))).toBe(true);
  });

  it("stops with CancelledError when aborted, leaving no temporary files", async () => {
    const ref = gzipSync(writeTar(v1), { level: 9 });
    const target = gzipSync(writeTar(v2), { level: 9 });
    const controller = new AbortController();
    async function* abortingTarget(): ByteStream {
      yield target.subarray(0, 1000);
      controller.abort();
      yield target.subarray(1000);
    }
    const { codec } = codecWithReports();
    const encoding = collectBytes(
      codec.encode(createBufferSource(ref), abortingTarget(), { signal: controller.signal }),
    );
    await expect(encoding).rejects.toBeInstanceOf(CancelledError);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("refuses a delta that needs more temporary space than allowed", async () => {
    const ref = gzipSync(writeTar(v1), { level: 9 });
    const target = gzipSync(writeTar(v2), { level: 9 });
    const { codec } = codecWithReports();
    const { delta } = await encodeWith(codec, ref, target);
    const small = createArchiveCodec({ inner, tempDir, maxExpandedSize: 100_000 });
    await expect(decodeWith(small, ref, delta)).rejects.toBeInstanceOf(UnsupportedError);
  });

  it("removes its temporary files", async () => {
    const ref = gzipSync(writeTar(v1), { level: 9 });
    const target = gzipSync(writeTar(v2), { level: 9 });
    const { codec } = codecWithReports();
    const { delta } = await encodeWith(codec, ref, target);
    await decodeWith(codec, ref, delta);
    expect(await readdir(tempDir)).toEqual([]);
  });
});

describe("damaged archive deltas", () => {
  const ref = writeZip(v1);
  const target = writeZip(v2);
  let delta: Uint8Array = new Uint8Array(0);

  beforeAll(async () => {
    delta = (await encodeWith(createArchiveCodec({ inner, tempDir }), ref, target)).delta;
  });

  async function decodeError(bytes: Uint8Array, source = ref): Promise<unknown> {
    const codec = createArchiveCodec({ inner, tempDir });
    try {
      const out = await collectBytes(
        codec.decode(createBufferSource(source), chunked(bytes, 4096)),
      );
      return same(out, target) ? "exact" : "WRONG BYTES";
    } catch (error) {
      return error;
    }
  }

  it("a flipped bit anywhere gives a typed error, never wrong bytes", async () => {
    const rng = createRng(5);
    const positions = [8, 9, 10, 13, 20, 40, delta.length - 1];
    for (let i = 0; i < 25; i++) positions.push(rng.int(0, delta.length - 1));
    for (const at of positions) {
      const damaged = delta.slice();
      damaged[at] = (damaged[at] ?? 0) ^ (1 << rng.int(0, 7));
      const error = await decodeError(damaged);
      expect(error === "exact" || isDgError(error), `flip at ${at}: ${String(error)}`).toBe(true);
      expect(error).not.toBe("WRONG BYTES");
    }
  });

  it("a truncated delta is an IntegrityError", async () => {
    for (const length of [9, 14, 30, Math.floor(delta.length / 2), delta.length - 1]) {
      const error = await decodeError(delta.subarray(0, length));
      expect(isDgError(error), `cut at ${length}: ${String(error)}`).toBe(true);
    }
  });

  it("the header's own checksum catches damage to the recipe", async () => {
    const damaged = delta.slice();
    damaged[20] = (damaged[20] ?? 0) ^ 0x40;
    expect(await decodeError(damaged)).toBeInstanceOf(IntegrityError);
  });

  it("a different reference is an IntegrityError", async () => {
    const other = writeZip(nextRelease(v1, 99));
    expect(await decodeError(delta, other)).toBeInstanceOf(IntegrityError);
  });

  it("a wrong byte in the rebuilt expanded target is an IntegrityError", async () => {
    const corrupting: DeltaCodec = {
      name: "corrupting",
      encode: (s, t, o) => inner.encode(s, t, o),
      async *decode(s: RandomAccessSource, d: ByteStream, o) {
        let at = 0;
        for await (const chunk of inner.decode(s, d, o)) {
          const copy = chunk.slice();
          if (at <= 5000 && at + copy.length > 5000) copy[5000 - at] = (copy[5000 - at] ?? 0) ^ 4;
          at += copy.length;
          yield copy;
        }
      },
    };
    const codec = createArchiveCodec({ inner: corrupting, tempDir });
    await expect(
      collectBytes(codec.decode(createBufferSource(ref), chunked(delta))),
    ).rejects.toBeInstanceOf(IntegrityError);
  });
});

describe("dg-archive/1 deltas", () => {
  for (const name of ["info-zip", "node-tgz"]) {
    it(`${name}: a delta the version 1 encoder wrote still decodes`, async () => {
      const fixture = (ext: string) =>
        new Uint8Array(
          readFileSync(new URL(`../test/fixtures/dg-archive-1/${name}.${ext}`, import.meta.url)),
        );
      const codec = createArchiveCodec({
        inner: createXdeltaCodec({ engine: "builtin" }),
        tempDir,
      });
      const rebuilt = await decodeWith(codec, fixture("reference"), fixture("delta"));
      expect(same(rebuilt, fixture("target"))).toBe(true);
      expect(await readdir(tempDir)).toEqual([]);
    });
  }
});

describe("long streams", () => {
  const rng = createRng(91);
  const words = ["north", "south", "east", "west", "up", "down", "left", "right", "in", "out"];
  const text = Buffer.from(sourceText(rng, words, 4_500_000));
  const edited = Buffer.concat([
    text.subarray(0, 2_500_000),
    Buffer.from("+"),
    text.subarray(2_500_000),
  ]);

  it("a tgz of one long stream is deflated in pieces and rebuilt exactly", async () => {
    await expectArchiveWin(gzipSync(text, { level: 6 }), gzipSync(edited, { level: 6 }));
  });

  it.skipIf(!hasBinary("gzip"))("GNU gzip's long stream too", async () => {
    await expectArchiveWin(gnuGzip(text, 6), gnuGzip(edited, 6));
  });
});

describe("targets read in place", () => {
  const ref = writeZip(v1);
  const target = writeZip(v2);
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  function replayable(bytes: Uint8Array, sha256: string): ReplayableTarget {
    return {
      size: bytes.length,
      sha256,
      open: () => chunked(bytes),
      openRandomAccess: async () => createBufferSource(bytes),
    };
  }

  it("encodes a target read by position into the caller's scratch space, once", async () => {
    const scratch = createMemoryScratchSpace();
    let created = 0;
    const counting = {
      create: () => {
        created++;
        return scratch.create();
      },
    };
    const codec = createArchiveCodec({ inner, tempDir });
    const formats: string[] = [];
    const blob = await codec.encodeToScratch?.(
      createBufferSource(ref),
      replayable(target, sha(target)),
      counting,
      {
        onFormat: (f) => formats.push(f),
      },
    );
    expect(formats).toEqual(["dg-archive/2"]);
    // A small file gets both deltas, each written to scratch once; the larger is dropped.
    expect(created).toBeLessThanOrEqual(2);
    expect(scratch.live).toBe(1);
    const delta = await collectBytes(blob?.open() ?? chunked(new Uint8Array(0)));
    expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
    await blob?.dispose();
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("refuses a target whose bytes changed since they were hashed", async () => {
    const codec = createArchiveCodec({ inner, tempDir });
    const changed = replayable(target, sha(seededBytes(92, 10)));
    await expect(
      collectBytes(codec.encode(createBufferSource(ref), changed)),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await readdir(tempDir)).toEqual([]);
  });
});

describe("worker failures and cancellation", () => {
  const ref = gzipSync(writeTar(v1), { level: 9 });
  const target = gzipSync(writeTar(v2), { level: 9 });
  const failing = new URL("../test/workers/failing-worker.mjs", import.meta.url);
  let good: Uint8Array = new Uint8Array(0);
  const pools: DeflatePool[] = [];
  const poolOf = (pool: DeflatePool) => {
    pools.push(pool);
    return pool;
  };
  beforeAll(async () => {
    good = (await encodeWith(createArchiveCodec({ inner, tempDir }), ref, target)).delta;
  });
  afterAll(async () => {
    for (const pool of pools) await pool.close();
  });

  for (const mode of ["throw", "exit", "answer"]) {
    it(`a worker that fails (${mode}) fails the encode and the decode, leaving no files`, async () => {
      const pool = poolOf(createDeflatePool({ size: 2, script: failing, workerData: { mode } }));
      const codec = createArchiveCodecWithPool({ inner, tempDir }, () => pool);
      await expect(encodeWith(codec, ref, target)).rejects.toBeInstanceOf(InternalError);
      expect(await readdir(tempDir)).toEqual([]);
      await expect(decodeWith(codec, ref, good)).rejects.toBeInstanceOf(InternalError);
      expect(await readdir(tempDir)).toEqual([]);
    });
  }

  it("an upload whose worker dies stores nothing", async () => {
    const pool = poolOf(
      createDeflatePool({ size: 1, script: failing, workerData: { mode: "exit" } }),
    );
    const store = createMemoryObjectStore({ buckets: ["bkt"] });
    const service = createDeltaService({
      store,
      codec: createArchiveCodecWithPool({ inner, tempDir }, () => pool),
      cache: createSimpleMemoryReferenceCache(),
      scratch: createMemoryScratchSpace(),
      hasher: createSha256Hasher(),
      toolVersion: "0.0.0-test",
    });
    const body = (bytes: Uint8Array) => ({ size: bytes.length, open: () => chunked(bytes) });
    // The first file becomes the reference: its zero-diff delta needs no deflating.
    await service.put("bkt", "rel/app-1.tgz", body(ref));
    await expect(service.put("bkt", "rel/app-2.tgz", body(target))).rejects.toBeInstanceOf(
      InternalError,
    );
    expect(await store.headObject("bkt", "rel/app-2.tgz.delta")).toBeUndefined();
    expect(await store.headObject("bkt", "rel/app-2.tgz")).toBeUndefined();
    expect(await readdir(tempDir)).toEqual([]);
  });

  /** A pool that aborts `controller` when it is handed its first job. */
  function abortingPool(controller: AbortController): DeflatePool {
    const real = poolOf(createDeflatePool({ size: 2 }));
    return {
      size: real.size,
      run: (job, signal) => {
        controller.abort();
        return real.run(job, signal);
      },
      trim: () => real.trim(),
      warm: () => real.warm(),
      close: () => real.close(),
    };
  }

  it("an abort while workers search stops the encode with CancelledError, leaving no files", async () => {
    const controller = new AbortController();
    const pool = abortingPool(controller);
    const codec = createArchiveCodecWithPool({ inner, tempDir }, () => pool);
    const encoding = collectBytes(
      codec.encode(createBufferSource(ref), chunked(target), { signal: controller.signal }),
    );
    await expect(encoding).rejects.toBeInstanceOf(CancelledError);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("an abort while workers deflate stops the decode with CancelledError, leaving no files", async () => {
    const controller = new AbortController();
    const pool = abortingPool(controller);
    const codec = createArchiveCodecWithPool({ inner, tempDir }, () => pool);
    const decoding = collectBytes(
      codec.decode(createBufferSource(ref), chunked(good), { signal: controller.signal }),
    );
    await expect(decoding).rejects.toBeInstanceOf(CancelledError);
    expect(await readdir(tempDir)).toEqual([]);
  });
});

describe("settings remembered across files", () => {
  it("a codec's next encode tries the settings its last one found first; both rebuild exactly", async () => {
    const ref = gzipSync(writeTar(v1), { level: 9 });
    const target = gzipSync(writeTar(v2), { level: 9 });
    const real = createDeflatePool({ size: 0 });
    const firstTried: string[] = [];
    let encodes = 0;
    let seen = -1;
    const pool: DeflatePool = {
      size: real.size,
      run: (job, signal, options) => {
        // The first find job of each encode: which settings it tries first.
        const asked: DeflateJob = job;
        if (asked.kind === "find" && seen !== encodes) {
          seen = encodes;
          const first = asked.candidates[0];
          firstTried.push(first === undefined ? "none" : `${first.engine}:${first.level}`);
        }
        return real.run(job, signal, options);
      },
      trim: () => real.trim(),
      warm: () => real.warm(),
      close: () => real.close(),
    };
    const codec = createArchiveCodecWithPool({ inner, tempDir }, () => pool);
    for (let i = 0; i < 2; i++) {
      const { delta, formats } = await encodeWith(codec, ref, target);
      encodes++;
      expect(formats).toEqual(["dg-archive/2"]);
      expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
    }
    // The full search starts with level 6; the second file starts with what the first found.
    expect(firstTried).toEqual(["node-zlib:6", "node-zlib:9"]);
    await pool.close();
  });
});
