import { IntegrityError } from "@dg/core";
import { describe, expect, it } from "vitest";
import { adler32, adler32Js } from "./adler32.js";
import { createAddressCache } from "./address-cache.js";
import { createBufferSource } from "./buffer-source.js";
import {
  addCopyOpcode,
  copyAddOpcode,
  DEFAULT_CODE_TABLE,
  singleOpcode,
  VCD_ADD,
  VCD_COPY,
  VCD_NOOP,
  VCD_RUN,
} from "./code-table.js";
import { encodeVarint, readVarint, VARINT_INCOMPLETE, varintLength } from "./varint.js";

describe("default code table", () => {
  const t = DEFAULT_CODE_TABLE;
  it("has the RFC 3284 landmarks", () => {
    expect(t.entry(0)).toMatchObject({ type1: VCD_RUN, size1: 0, type2: VCD_NOOP });
    expect(t.entry(1)).toMatchObject({ type1: VCD_ADD, size1: 0 });
    expect(t.entry(18)).toMatchObject({ type1: VCD_ADD, size1: 17 });
    expect(t.entry(19)).toMatchObject({ type1: VCD_COPY, size1: 0, mode1: 0 });
    expect(t.entry(20)).toMatchObject({ type1: VCD_COPY, size1: 4, mode1: 0 });
    expect(t.entry(162)).toMatchObject({ type1: VCD_COPY, size1: 18, mode1: 8 });
    expect(t.entry(163)).toMatchObject({ type1: VCD_ADD, size1: 1, type2: VCD_COPY, size2: 4 });
    expect(t.entry(164)).toMatchObject({ size1: 1, size2: 5, mode2: 0 });
    expect(t.entry(166)).toMatchObject({ size1: 2, size2: 4, mode2: 0 });
    expect(t.entry(175)).toMatchObject({ size1: 1, size2: 4, mode2: 1 });
    expect(t.entry(234)).toMatchObject({ size1: 4, size2: 6, mode2: 5 });
    expect(t.entry(235)).toMatchObject({ size1: 1, size2: 4, mode2: 6 });
    expect(t.entry(246)).toMatchObject({ size1: 4, size2: 4, mode2: 8 });
    expect(t.entry(247)).toMatchObject({ type1: VCD_COPY, size1: 4, mode1: 0, type2: VCD_ADD });
    expect(t.entry(255)).toMatchObject({ type1: VCD_COPY, mode1: 8, size2: 1 });
  });

  it("finds opcodes for the encoder", () => {
    for (let op = 0; op < 256; op++) {
      const e = t.entry(op);
      if (e.type2 === VCD_NOOP) {
        expect(singleOpcode(e.type1, e.size1, e.mode1)).toBe(op);
      } else if (e.type1 === VCD_ADD) {
        expect(addCopyOpcode(e.size1, e.size2, e.mode2)).toBe(op);
      } else {
        expect(copyAddOpcode(e.size1, e.mode1, e.size2)).toBe(op);
      }
    }
    expect(singleOpcode(VCD_ADD, 18, 0)).toBe(1);
    expect(singleOpcode(VCD_COPY, 3, 2)).toBe(51);
    expect(addCopyOpcode(5, 4, 0)).toBe(-1);
    expect(addCopyOpcode(1, 5, 6)).toBe(-1);
    expect(copyAddOpcode(5, 0, 1)).toBe(-1);
  });
});

describe("varint", () => {
  it("round-trips and matches the RFC example", () => {
    expect([...encodeVarint(123456789)]).toEqual([0xba, 0xef, 0x9a, 0x15]);
    const out = { value: 0, offset: 0 };
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const bytes = encodeVarint(v);
      expect(bytes.length).toBe(varintLength(v));
      expect(readVarint(bytes, 0, bytes.length, out)).toBe(v);
      expect(out.offset).toBe(bytes.length);
      expect(readVarint(bytes, 0, bytes.length - 1, out)).toBe(VARINT_INCOMPLETE);
    }
  });
  it("rejects overlong and overflowing integers", () => {
    const out = { value: 0, offset: 0 };
    const long = new Uint8Array(12).fill(0x80);
    expect(() => readVarint(long, 0, long.length, out)).toThrow(IntegrityError);
    const big = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
    expect(() => readVarint(big, 0, big.length, out)).toThrow(IntegrityError);
  });
});

describe("adler32", () => {
  it("matches known values and continues incrementally", () => {
    const text = new TextEncoder().encode("Wikipedia");
    expect(adler32(text)).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    const big = new Uint8Array(100_000).fill(0xff);
    expect(adler32(big.subarray(50_000), adler32(big.subarray(0, 50_000)))).toBe(adler32(big));
  });

  it("gives the same sums in WebAssembly and JavaScript, against the definition", () => {
    const reference = (bytes: Uint8Array, initial: number) => {
      let a = initial & 0xffff;
      let b = initial >>> 16;
      for (const x of bytes) {
        a = (a + x) % 65521;
        b = (b + a) % 65521;
      }
      return ((b << 16) | a) >>> 0;
    };
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    for (let round = 0; round < 120; round++) {
      const length = round < 40 ? round * 17 : next() % 3_000_000;
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = round % 3 === 0 ? 255 : next() & 255;
      const initial = round % 2 === 0 ? 1 : ((next() % 65521) * 65536 + (next() % 65521)) >>> 0;
      const expected = round < 60 ? reference(bytes, initial) : adler32Js(bytes, initial);
      expect(adler32(bytes, initial)).toBe(expected);
      expect(adler32Js(bytes, initial)).toBe(expected);
    }
  });
});

describe("address cache", () => {
  it("decodes what it encodes", () => {
    const enc = createAddressCache();
    const dec = createAddressCache();
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const here = 10_000 + i * 10;
      const address = i % 5 === 0 ? 1234 : seed % here;
      const mode = enc.encode(address, here);
      expect(dec.decode(enc.lastEncoded, mode, here)).toBe(address);
    }
  });
});

describe("createBufferSource", () => {
  it("reads by position and clips at the end", async () => {
    const s = createBufferSource(Uint8Array.of(1, 2, 3, 4));
    expect([...(await s.read(1, 2))]).toEqual([2, 3]);
    expect([...(await s.read(3, 10))]).toEqual([4]);
    expect((await s.read(9, 1)).length).toBe(0);
    await s.close();
    await expect(s.read(0, 1)).rejects.toThrow();
  });
});
