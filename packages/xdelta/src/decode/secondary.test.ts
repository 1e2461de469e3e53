import { crc32 } from "node:zlib";
import { IntegrityError } from "@dg/core";
import { initModule, xzAsync } from "node-liblzma/wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { concat, createRng, decodeAll, randomBytes } from "../../test/fixtures-decode/harness.js";
import { encodeVarint } from "../vcdiff/varint.js";

// A one-window delta whose data section is LZMA-compressed: an ADD of `content`, with the
// compressed piece declaring `declared` bytes.
function lzmaDelta(content: Uint8Array, piece: Uint8Array, declared = content.length): Uint8Array {
  const data = concat(encodeVarint(declared), piece);
  const inst = concat(Uint8Array.of(1), encodeVarint(content.length));
  const body = concat(
    encodeVarint(content.length),
    Uint8Array.of(0x01), // VCD_DATACOMP
    encodeVarint(data.length),
    encodeVarint(inst.length),
    encodeVarint(0),
    data,
    inst,
  );
  return concat(
    Uint8Array.of(0xd6, 0xc3, 0xc4, 0, 0x01, 2), // VCD_DECOMPRESS, LZMA
    Uint8Array.of(0),
    encodeVarint(body.length),
    body,
  );
}

describe("LZMA sections", () => {
  const content = randomBytes(createRng(8), 50_000, 4);
  let piece: Uint8Array = new Uint8Array(0);
  beforeAll(async () => {
    await initModule();
    piece = await xzAsync(content, { preset: 0 });
  });

  it("accept a complete xz stream too", async () => {
    const out = await decodeAll(new Uint8Array(0), lzmaDelta(content, piece));
    expect(Buffer.from(out).equals(Buffer.from(content))).toBe(true);
  });

  it("refuse a piece that inflates to more or less than it declares", async () => {
    await expect(
      decodeAll(new Uint8Array(0), lzmaDelta(content, piece, content.length - 1)),
    ).rejects.toBeInstanceOf(IntegrityError);
    await expect(
      decodeAll(new Uint8Array(0), lzmaDelta(content, piece, content.length + 1)),
    ).rejects.toBeInstanceOf(IntegrityError);
  });

  it("refuse an xz stream whose dictionary is over the memory limit", async () => {
    // Raise the LZMA2 dictionary byte of the block header to 40 (3 GiB), fixing its CRC32.
    const huge = piece.slice();
    const headerSize = (huge[12]! + 1) * 4;
    let filter = 14;
    while (!(huge[filter] === 0x21 && huge[filter + 1] === 0x01)) filter++;
    huge[filter + 2] = 40;
    const crcAt = 12 + headerSize - 4;
    const crc = crc32(huge.subarray(12, crcAt));
    huge.set(Uint8Array.of(crc & 255, (crc >>> 8) & 255, (crc >>> 16) & 255, crc >>> 24), crcAt);
    const error = await decodeAll(new Uint8Array(0), lzmaDelta(content, huge)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain("liblzma status 6"); // LZMA_MEMLIMIT_ERROR
  });

  it("refuse truncated or garbled xz data", async () => {
    await expect(
      decodeAll(new Uint8Array(0), lzmaDelta(content, piece.subarray(0, piece.length >> 1))),
    ).rejects.toBeInstanceOf(IntegrityError);
    const garbled = piece.slice();
    garbled[40] = (garbled[40]! ^ 0x55) & 0xff;
    await expect(decodeAll(new Uint8Array(0), lzmaDelta(content, garbled))).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });
});
