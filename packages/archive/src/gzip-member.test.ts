import { gzipSync } from "node:zlib";
import { createBufferSource } from "@dg/core/memory";
import { describe, expect, it } from "vitest";
import { readGzipMemberHeader } from "./gzip-member.js";

function member(flags: number, extras: Uint8Array[]): Uint8Array {
  const header = new Uint8Array([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([header, ...extras, new Uint8Array([3, 0]), new Uint8Array(8)]);
}

describe("readGzipMemberHeader", () => {
  it("finds the deflate stream after a plain header", async () => {
    const bytes = gzipSync(Buffer.from("hi"));
    expect(await readGzipMemberHeader(createBufferSource(bytes), 0)).toEqual({
      offset: 0,
      dataOffset: 10,
    });
  });

  it("skips FEXTRA, FNAME, FCOMMENT and FHCRC", async () => {
    const bytes = member(4 | 8 | 16 | 2, [
      new Uint8Array([3, 0, 1, 2, 3]),
      Buffer.from("name.tar\0"),
      Buffer.from("a comment\0"),
      new Uint8Array([0xaa, 0xbb]),
    ]);
    const found = await readGzipMemberHeader(createBufferSource(bytes), 0);
    expect(found?.dataOffset).toBe(10 + 5 + 9 + 10 + 2);
  });

  it("rejects other magic, reserved flags, and unterminated names", async () => {
    expect(await readGzipMemberHeader(createBufferSource(new Uint8Array(20)), 0)).toBeUndefined();
    expect(await readGzipMemberHeader(createBufferSource(member(0x20, [])), 0)).toBeUndefined();
    const noEnd = Buffer.concat([
      new Uint8Array([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]),
      Buffer.from("abc"),
    ]);
    expect(await readGzipMemberHeader(createBufferSource(noEnd), 0)).toBeUndefined();
  });
});
