import { deltaCodecContract } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { createBuiltinCodec, createXdeltaCodec, parseDeltaEngine } from "./codec.js";
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
