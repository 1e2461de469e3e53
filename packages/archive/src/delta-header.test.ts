import { IntegrityError, UnsupportedError } from "@dg/core";
import { describe, expect, it } from "vitest";
import type { ArchiveDeltaHeader } from "./delta-header.js";
import {
  encodeArchiveDeltaHeader,
  isArchiveDelta,
  PREAMBLE_BYTES,
  parseArchiveDeltaBody,
  parsePreamble,
  resolveArchiveDeltaHeader,
} from "./delta-header.js";
import type { DeflateSegment } from "./segments.js";
import { createByteParser, createByteWriter } from "./varint.js";
import { createByteReader } from "./byte-reader.js";
import { readArchiveDeltaHeader } from "./decode-archive.js";

const header: ArchiveDeltaHeader = {
  container: "zip",
  targetSize: 10 + 300 + 7 + 2 ** 33,
  targetSha256: "ab".repeat(32),
  referenceSize: 12345,
  referenceLimit: 2 ** 36,
  expandedReferenceSize: 99999,
  expandedReferenceSha256: "cd".repeat(32),
  engine: "node-zlib/1.3.1",
  segments: [
    { kind: "raw", length: 10 },
    {
      kind: "deflate",
      compressedLength: 300,
      inflatedLength: 1000,
      crc32: 0xdeadbeef,
      params: { engine: "node-zlib", level: 9, memLevel: 8, windowBits: 15, strategy: 0 },
    },
    { kind: "raw", length: 7 },
    {
      kind: "deflate",
      compressedLength: 2 ** 33,
      inflatedLength: 2 ** 35,
      crc32: 1,
      params: { engine: "zlib", level: 1, memLevel: 9, windowBits: 9, strategy: 4 },
    },
  ],
};

/** The reference's streams: the first target stream equals the second of them. */
const referenceStreams: DeflateSegment[] = [
  { kind: "deflate", compressedLength: 5, inflatedLength: 6, crc32: 7 },
  { kind: "deflate", compressedLength: 300, inflatedLength: 1000, crc32: 0xdeadbeef },
];

/** Parse as the decoder does: from a stream in which the inner delta follows the header. */
async function parse(bytes: Uint8Array): Promise<ArchiveDeltaHeader> {
  async function* stream(): AsyncGenerator<Uint8Array> {
    yield bytes;
    yield new Uint8Array([0xd6, 0xc3, 0xc4, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  }
  const reader = createByteReader(stream());
  const parsed = await readArchiveDeltaHeader(reader);
  expect([...(await reader.read(4))]).toEqual([0xd6, 0xc3, 0xc4, 0]);
  return resolveArchiveDeltaHeader(parsed, referenceStreams);
}

describe("archive delta header", () => {
  it("round-trips", async () => {
    const bytes = encodeArchiveDeltaHeader(header, referenceStreams);
    expect(isArchiveDelta(bytes)).toBe(true);
    expect(await parse(bytes)).toEqual(header);
    expect(parsePreamble(bytes.subarray(0, PREAMBLE_BYTES))).toBe(
      bytes.length - PREAMBLE_BYTES - 4,
    );
  });

  it("records streams equal to the reference's by index", async () => {
    const withIndex = encodeArchiveDeltaHeader(header, referenceStreams);
    const explicit = encodeArchiveDeltaHeader(header, []);
    expect(withIndex.length).toBeLessThan(explicit.length);
    const parsed = parseArchiveDeltaBody(withIndex.subarray(PREAMBLE_BYTES));
    expect(parsed.records[1]).toEqual({
      kind: "reference-stream",
      index: 1,
      params: { engine: "node-zlib", level: 9, memLevel: 8, windowBits: 15, strategy: 0 },
    });
    expect(() => resolveArchiveDeltaHeader(parsed, referenceStreams.slice(0, 1))).toThrow(
      IntegrityError,
    );
    const other = [referenceStreams[0]!, { ...referenceStreams[1]!, compressedLength: 301 }];
    expect(() => resolveArchiveDeltaHeader(parsed, other)).toThrow(IntegrityError);
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
    const bytes = encodeArchiveDeltaHeader(header, referenceStreams);
    for (let at = 8; at < bytes.length; at++) {
      const damaged = bytes.slice();
      damaged[at] = (damaged[at] ?? 0) ^ 0x10;
      let error: unknown;
      try {
        await parse(damaged);
      } catch (e) {
        error = e;
      }
      if (at === 8) expect(error).toBeInstanceOf(UnsupportedError);
      else expect(error, `flip at ${at}`).toBeInstanceOf(IntegrityError);
    }
  });

  it("refuses segments that do not add up to the target size", async () => {
    const bytes = encodeArchiveDeltaHeader(
      { ...header, targetSize: header.targetSize + 1 },
      referenceStreams,
    );
    await expect(parse(bytes)).rejects.toBeInstanceOf(IntegrityError);
  });

  it("refuses a body that is not followed by its checksum", () => {
    const bytes = encodeArchiveDeltaHeader(header, referenceStreams);
    expect(() => parseArchiveDeltaBody(bytes.subarray(PREAMBLE_BYTES, bytes.length - 1))).toThrow(
      IntegrityError,
    );
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
