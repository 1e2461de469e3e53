import { IntegrityError, UnsupportedError } from "@dg/core";
import { describe, expect, it } from "vitest";
import {
  concat,
  createRng,
  decodeAll,
  hasXdelta3,
  randomBytes,
  xdelta3Decode,
} from "../../test/fixtures-decode/harness.js";
import type { TestInstruction, TestWindow } from "../../test/fixtures-decode/vcdiff-writer.js";
import { writeTestDelta } from "../../test/fixtures-decode/vcdiff-writer.js";
import { encodeVarint } from "../vcdiff/varint.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const xdelta3 = await hasXdelta3();

describe("instructions xdelta3 rarely or never writes", () => {
  it("decodes RUN", async () => {
    const delta = writeTestDelta([
      {
        instructions: [{ type: "run", byte: 0x78, size: 1000 }],
        checksumOf: new Uint8Array(1000).fill(0x78),
      },
    ]);
    expect(await decodeAll(new Uint8Array(0), delta)).toEqual(new Uint8Array(1000).fill(0x78));
  });

  it("decodes a COPY that overlaps its own output", async () => {
    const delta = writeTestDelta([
      {
        instructions: [
          { type: "add", bytes: text("ab") },
          { type: "copy", address: 0, size: 11, mode: 0 },
        ],
      },
    ]);
    expect(str(await decodeAll(new Uint8Array(0), delta))).toBe("ababababababa");
  });

  it("decodes a COPY that runs from the source segment into the target window", async () => {
    const delta = writeTestDelta([
      {
        segment: { from: "source", position: 2, length: 5 },
        instructions: [{ type: "copy", address: 2, size: 8, mode: 0 }],
      },
    ]);
    // Segment "LLOWO" of "HELLOWORLD"; copy from segment offset 2: "OWO", then target 0.. .
    expect(str(await decodeAll(text("HELLOWORLD"), delta))).toBe("OWOOWOOW");
  });

  it("decodes VCD_TARGET windows from earlier output", async () => {
    const first = text("0123456789");
    const delta = writeTestDelta([
      { instructions: [{ type: "add", bytes: first }], checksumOf: first },
      {
        segment: { from: "target", position: 3, length: 5 },
        instructions: [
          { type: "copy", address: 0, size: 5 },
          { type: "add", bytes: text("!") },
          { type: "copy", address: 1, size: 2 },
        ],
        checksumOf: text("34567!45"),
      },
    ]);
    expect(str(await decodeAll(new Uint8Array(0), delta))).toBe("012345678934567!45");
  });

  it("refuses VCD_TARGET segments older than maxTargetHistory, or not decoded yet", async () => {
    const windows: TestWindow[] = [
      { instructions: [{ type: "add", bytes: text("aaaa") }] },
      { instructions: [{ type: "add", bytes: text("bbbb") }] },
      {
        segment: { from: "target", position: 0, length: 2 },
        instructions: [{ type: "copy", address: 0, size: 2 }],
      },
    ];
    const delta = writeTestDelta(windows);
    expect(str(await decodeAll(new Uint8Array(0), delta))).toBe("aaaabbbbaa");
    await expect(
      decodeAll(new Uint8Array(0), delta, { maxTargetHistory: 4 }),
    ).rejects.toBeInstanceOf(UnsupportedError);
    const ahead = writeTestDelta([
      { instructions: [{ type: "add", bytes: text("aaaa") }] },
      {
        segment: { from: "target", position: 2, length: 3 },
        instructions: [{ type: "copy", address: 0, size: 3 }],
      },
    ]);
    await expect(decodeAll(new Uint8Array(0), ahead)).rejects.toBeInstanceOf(IntegrityError);
  });

  it("matches a byte-by-byte model on random instruction streams, in every address mode", async () => {
    const rng = createRng(20240611);
    for (let round = 0; round < 150; round++) {
      const source = randomBytes(rng, 1 + (rng() % 5000), 4);
      const windows: TestWindow[] = [];
      const expected: number[] = [];
      const windowCount = 1 + (rng() % 4);
      for (let w = 0; w < windowCount; w++) {
        const fromTarget = expected.length > 0 && rng() % 3 === 0;
        const base = fromTarget ? expected.slice() : Array.from(source);
        const position = rng() % base.length;
        const length = 1 + (rng() % (base.length - position));
        const segment = base.slice(position, position + length);
        const out: number[] = [];
        const instructions: TestInstruction[] = [];
        const count = 1 + (rng() % 40);
        for (let i = 0; i < count; i++) {
          const kind = rng() % 4;
          if (kind === 0) {
            const bytes = randomBytes(rng, 1 + (rng() % 6));
            instructions.push({ type: "add", bytes });
            out.push(...bytes);
          } else if (kind === 1) {
            const size = 1 + (rng() % 30);
            const byte = rng() % 256;
            instructions.push({ type: "run", byte, size });
            for (let k = 0; k < size; k++) out.push(byte);
          } else {
            const here = length + out.length;
            // Prefer recent addresses now and then, to exercise the near and same caches.
            const address =
              kind === 3 && i > 0 ? Math.max(0, here - 1 - (rng() % 8)) : rng() % here;
            // xdelta3 refuses copies that run from the segment into the target window ("size too
            // large"); a dedicated test above covers those.
            const room = address < length ? length - address : 24;
            const size = 1 + (rng() % Math.min(24, room));
            instructions.push({ type: "copy", address, size });
            for (let k = 0; k < size; k++) {
              const a = address + k;
              out.push(a < length ? segment[a]! : out[a - length]!);
            }
          }
        }
        const target = Uint8Array.from(out);
        windows.push({
          segment: { from: fromTarget ? "target" : "source", position, length },
          instructions,
          checksumOf: target,
          pairOpcodes: rng() % 2 === 0,
        });
        expected.push(...out);
      }
      const delta = writeTestDelta(windows);
      const decoded = await decodeAll(source, delta, {}, 1 + (rng() % 64));
      expect(decoded).toEqual(Uint8Array.from(expected));
      if (xdelta3 && round % 25 === 0 && !windows.some((w) => w.segment?.from === "target")) {
        expect(await xdelta3Decode(source, delta)).toEqual(decoded);
      }
    }
  });
});

describe("limits and unsupported features", () => {
  it("refuses a declared window over maxWindowSize without allocating it", async () => {
    const body = concat(encodeVarint(2 ** 40), Uint8Array.of(0, 0, 0, 0));
    const delta = concat(Uint8Array.of(0xd6, 0xc3, 0xc4, 0, 0, 0), encodeVarint(body.length), body);
    const error = await decodeAll(new Uint8Array(0), delta).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(String((error as Error).message)).toContain("maxWindowSize");
    const small = writeTestDelta([{ instructions: [{ type: "run", byte: 1, size: 5000 }] }]);
    await expect(
      decodeAll(new Uint8Array(0), small, { maxWindowSize: 4096 }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect((await decodeAll(new Uint8Array(0), small, { maxWindowSize: 5000 })).length).toBe(5000);
  });

  it("refuses a source segment beyond the source", async () => {
    const delta = writeTestDelta([
      {
        segment: { from: "source", position: 8, length: 5 },
        instructions: [{ type: "copy", address: 0, size: 5 }],
      },
    ]);
    await expect(decodeAll(text("0123456789"), delta)).rejects.toBeInstanceOf(IntegrityError);
  });

  it("says clearly that custom code tables and other versions are unsupported", async () => {
    const codeTable = Uint8Array.of(0xd6, 0xc3, 0xc4, 0, 0x02, 5, 4, 3, 0, 0, 0);
    await expect(decodeAll(new Uint8Array(0), codeTable)).rejects.toBeInstanceOf(UnsupportedError);
    const version = Uint8Array.of(0xd6, 0xc3, 0xc4, 0x53, 0);
    await expect(decodeAll(new Uint8Array(0), version)).rejects.toBeInstanceOf(UnsupportedError);
    const notVcdiff = text("PK\u0003\u0004 not a delta");
    await expect(decodeAll(new Uint8Array(0), notVcdiff)).rejects.toBeInstanceOf(IntegrityError);
  });

  it("decodes a delta with no windows to nothing, and an empty stream is an error", async () => {
    expect((await decodeAll(new Uint8Array(0), Uint8Array.of(0xd6, 0xc3, 0xc4, 0, 0))).length).toBe(
      0,
    );
    await expect(decodeAll(new Uint8Array(0), new Uint8Array(0))).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });
});
