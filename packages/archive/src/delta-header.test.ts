import { readFileSync } from "node:fs";
import { IntegrityError, UnsupportedError } from "@dg/core";
import { describe, expect, it } from "vitest";
import { createByteReader } from "./byte-reader.js";
import { readArchiveDeltaHeader } from "./decode-archive.js";
import { isArchiveDelta, PREAMBLE_BYTES, parsePreamble, sealHeader } from "./delta-header.js";
import type { ArchiveDeltaHeaderV2 } from "./header-v2.js";
import { encodeHeaderV2, parseHeaderV2Body } from "./header-v2.js";
import { createByteParser, createByteWriter } from "./varint.js";

const node9 = { engine: "node-zlib", level: 9, memLevel: 8, windowBits: 15, strategy: 0 } as const;
const header: ArchiveDeltaHeaderV2 = {
  container: "zip",
  targetSize: 10 + 300 + 7 + 2 ** 33 + 40,
  targetSha256: "ab".repeat(32),
  referenceSize: 5000,
  expandedReferenceSize: 100 + 8000 + (5000 - 100 - 700 - 50),
  expandedReferenceSha256: "cd".repeat(32),
  engine: "node-zlib/1.3.1",
  referencePieces: [
    { kind: "raw", offset: 0, length: 100 },
    {
      kind: "inflate",
      offset: 100,
      compressedLength: 700,
      inflatedLength: 8000,
      crc32: 0xfeedbeef,
    },
    { kind: "skip", offset: 800, length: 50 },
    { kind: "raw", offset: 850, length: 5000 - 850 },
  ],
  segments: [
    { kind: "raw", length: 10 },
    {
      kind: "deflate",
      compressedLength: 300,
      inflatedLength: 1000,
      crc32: 0xdeadbeef,
      params: node9,
      pieces: [],
    },
    { kind: "raw", length: 7 },
    {
      kind: "deflate",
      compressedLength: 2 ** 33,
      inflatedLength: 2 ** 35,
      crc32: 1,
      params: { engine: "zlib", level: 1, memLevel: 9, windowBits: 9, strategy: 4 },
      pieces: [
        { input: 2 ** 20, bit: 2 ** 21 + 3 },
        { input: 2 ** 34, bit: 2 ** 35 + 7 },
      ],
    },
    { kind: "copy", referenceOffset: 800, length: 20 },
    { kind: "copy", referenceOffset: 100, length: 20 },
  ],
};

/** Parse as the decoder does: from a stream in which the inner delta follows the header. */
async function parse(bytes: Uint8Array) {
  async function* stream(): AsyncGenerator<Uint8Array> {
    yield bytes;
    yield new Uint8Array([0xd6, 0xc3, 0xc4, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  }
  const reader = createByteReader(stream());
  const parsed = await readArchiveDeltaHeader(reader);
  expect([...(await reader.read(4))]).toEqual([0xd6, 0xc3, 0xc4, 0]);
  return parsed;
}

async function error(bytes: Uint8Array): Promise<unknown> {
  return parse(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("archive delta header, version 2", () => {
  it("round-trips", async () => {
    const bytes = encodeHeaderV2(header);
    expect(isArchiveDelta(bytes)).toBe(true);
    expect(await parse(bytes)).toEqual({ version: 2, ...header });
    expect(parsePreamble(bytes.subarray(0, PREAMBLE_BYTES))).toEqual({
      version: 2,
      bodyLength: bytes.length - PREAMBLE_BYTES - 4,
    });
  });

  it("cannot be taken for VCDIFF, gzip or zip", () => {
    for (const magic of [
      [0xd6, 0xc3, 0xc4, 0],
      [0x1f, 0x8b, 8],
      [0x50, 0x4b, 3, 4],
    ]) {
      expect(isArchiveDelta(new Uint8Array([...magic, 0, 0, 0, 0, 0]))).toBe(false);
    }
  });

  it("turns every single-bit flip after the magic into an error", async () => {
    const bytes = encodeHeaderV2(header);
    for (let at = 8; at < bytes.length; at++) {
      const damaged = bytes.slice();
      damaged[at] = (damaged[at] ?? 0) ^ 0x10;
      const e = await error(damaged);
      if (at === 8) expect(e).toBeInstanceOf(UnsupportedError);
      else expect(e, `flip at ${at}`).toBeInstanceOf(IntegrityError);
    }
  });

  it("refuses a version it does not know", async () => {
    const bytes = encodeHeaderV2(header);
    bytes[8] = 3;
    expect(await error(bytes)).toBeInstanceOf(UnsupportedError);
  });

  it("refuses numbers that do not fit together", async () => {
    const cases: ArchiveDeltaHeaderV2[] = [
      { ...header, targetSize: header.targetSize + 1 },
      { ...header, expandedReferenceSize: header.expandedReferenceSize - 1 },
      { ...header, referenceSize: 840 },
      {
        ...header,
        segments: [
          ...header.segments.slice(0, 4),
          { kind: "copy", referenceOffset: 4990, length: 60 },
        ],
      },
      {
        ...header,
        targetSize: 10,
        segments: [
          {
            kind: "deflate",
            compressedLength: 10,
            inflatedLength: 20_000,
            crc32: 0,
            params: node9,
            pieces: [{ input: 30_000, bit: 5 }],
          },
        ],
      },
    ];
    for (const bad of cases)
      expect(await error(encodeHeaderV2(bad))).toBeInstanceOf(IntegrityError);
  });

  it("refuses a body that is not followed by its checksum", () => {
    const bytes = encodeHeaderV2(header);
    expect(() => parseHeaderV2Body(bytes.subarray(PREAMBLE_BYTES, bytes.length - 1))).toThrow(
      IntegrityError,
    );
  });

  it("refuses trailing bytes in the table", async () => {
    const w = createByteWriter();
    w.u8(1);
    expect(await error(sealHeader(2, w.finish()))).toBeInstanceOf(IntegrityError);
  });
});

describe("archive delta header, version 1", () => {
  it("is read from a delta the version 1 encoder wrote", async () => {
    const delta = readFileSync(
      new URL("../test/fixtures/dg-archive-1/info-zip.delta", import.meta.url),
    );
    const parsed = await readArchiveDeltaHeader(
      createByteReader(
        (async function* () {
          yield new Uint8Array(delta);
        })(),
      ),
    );
    expect(parsed.version).toBe(1);
    if (parsed.version !== 1) return;
    expect(parsed.container).toBe("zip");
    expect(parsed.records.some((r) => r.kind === "reference-stream")).toBe(true);
  });
});

describe("varints", () => {
  it("round-trip safe integers", () => {
    const values = [0, 1, 127, 128, 300, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
    const w = createByteWriter();
    for (const v of values) w.varint(v);
    const r = createByteParser(w.finish());
    expect(values.map(() => r.varint())).toEqual(values);
    expect(r.remaining).toBe(0);
  });

  it("refuses overlong input", () => {
    const r = createByteParser(new Uint8Array(10).fill(0xff));
    expect(() => r.varint()).toThrow(RangeError);
  });
});
