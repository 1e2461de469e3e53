import { deltaCodecContract } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import {
  createBuiltinCodec,
  createDeltaCodec,
  createDgdCodec,
  createXdeltaCodec,
  parseDeltaEngine,
} from "./codec.js";
import {
  collect,
  concatBytes,
  hasXdelta3,
  randomBytes,
  randomText,
  streamOf,
} from "./encode/test-fixtures.js";
import { createNativeXdeltaCodec } from "./native/xdelta3-codec.js";
import { createBufferSource } from "./vcdiff/index.js";

const xdelta3 = hasXdelta3();

deltaCodecContract("builtin", () => createBuiltinCodec(), { detectsDamage: true });
deltaCodecContract("dgd or VCDIFF (writes dgd)", () => createDeltaCodec(), { detectsDamage: true });
if (xdelta3)
  deltaCodecContract("xdelta3", () => createNativeXdeltaCodec(), { detectsDamage: true });

describe("createXdeltaCodec", () => {
  it("defaults to the builtin engine, and takes the one it is given", () => {
    expect(createXdeltaCodec().name).toBe("builtin");
    expect(createXdeltaCodec({ engine: "xdelta3" }).name).toBe("xdelta3");
    expect(createXdeltaCodec({ engine: "builtin" }).name).toBe("builtin");
  });

  it("rejects an unknown engine name", () => {
    expect(() => parseDeltaEngine("bsdiff")).toThrow(/Unknown delta engine/);
    expect(() => parseDeltaEngine("zstd")).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});

describe.runIf(xdelta3)("builtin and xdelta3 engines read each other's deltas", () => {
  const source = randomText(21, 600_000);
  const target = concatBytes(
    source.subarray(300_000),
    randomBytes(22, 4_000),
    source.subarray(0, 250_000),
    randomText(23, 30_000),
  );
  const builtin = createBuiltinCodec();
  const native = createNativeXdeltaCodec();

  it("builtin delta, decoded by xdelta3", async () => {
    const src = createBufferSource(source);
    const delta = await collect(builtin.encode(src, streamOf(target)));
    const back = await collect(native.decode(src, streamOf(delta)));
    expect(Buffer.compare(back, target)).toBe(0);
  });

  it("xdelta3 delta, decoded by builtin", async () => {
    const src = createBufferSource(source);
    const delta = await collect(native.encode(src, streamOf(target)));
    const back = await collect(builtin.decode(src, streamOf(delta)));
    expect(Buffer.compare(back, target)).toBe(0);
  });
});

describe("createDeltaCodec", () => {
  const source = randomText(31, 200_000);
  const target = concatBytes(
    source.subarray(0, 120_000),
    randomBytes(32, 3_000),
    source.subarray(150_000),
  );
  const VCDIFF_MAGIC = [0xd6, 0xc3, 0xc4];
  const DGD_MAGIC = [0xd7, 0x44, 0x47, 0x44];

  async function encode(format: "dgd" | "vcdiff" | undefined, zeroDiff = false) {
    const codec = createDeltaCodec(format === undefined ? {} : { format });
    const formats: string[] = [];
    const src = createBufferSource(source);
    const delta = await collect(
      codec.encode(src, streamOf(zeroDiff ? source : target), {
        onFormat: (name) => formats.push(name),
        ...(zeroDiff ? { zeroDiff: true } : {}),
      }),
    );
    return { codec, delta, formats };
  }

  it("writes dgd by default, reported as dgd/1, and VCDIFF when asked (no format mark)", async () => {
    const dgd = await encode(undefined);
    expect(dgd.codec.name).toBe("dgd");
    expect([...dgd.delta.subarray(0, 4)]).toEqual(DGD_MAGIC);
    expect(dgd.formats).toEqual(["dgd/1"]);
    const vcdiff = await encode("vcdiff");
    expect(vcdiff.codec.name).toBe("builtin");
    expect([...vcdiff.delta.subarray(0, 3)]).toEqual(VCDIFF_MAGIC);
    expect(vcdiff.formats).toEqual([]);
  });

  it("writes a zero-diff delta as VCDIFF whatever the format", async () => {
    const zero = await encode("dgd", true);
    expect([...zero.delta.subarray(0, 3)]).toEqual(VCDIFF_MAGIC);
    expect(zero.formats).toEqual([]);
  });

  it("decodes dgd and VCDIFF deltas alike, whichever format it writes", async () => {
    const deltas = [
      (await encode("dgd")).delta,
      (await encode("vcdiff")).delta,
      await collect(createDgdCodec().encode(createBufferSource(source), streamOf(target))),
    ];
    for (const format of ["dgd", "vcdiff"] as const) {
      const codec = createDeltaCodec({ format });
      for (const delta of deltas) {
        // Delivered a byte at a time, so the magic is read across chunks.
        const bytes = (async function* () {
          for (const byte of delta) yield Uint8Array.of(byte);
        })();
        const back = await collect(codec.decode(createBufferSource(source), bytes));
        expect(Buffer.compare(back, target)).toBe(0);
      }
    }
  });

  it("fails a delta shorter than any magic as damaged, and an empty one too", async () => {
    const codec = createDeltaCodec();
    for (const delta of [Uint8Array.of(0xd7, 0x44), new Uint8Array(0)]) {
      await expect(
        collect(codec.decode(createBufferSource(source), streamOf(delta))),
      ).rejects.toMatchObject({ code: "INTEGRITY" });
    }
  });
});
