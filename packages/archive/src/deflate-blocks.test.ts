import { deflateRawSync, inflateRawSync } from "node:zlib";
import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { firstRelease } from "../test/corpus.js";
import { writeTar } from "../test/tar-writer.js";
import { createBlockScanner } from "./deflate-blocks.js";

const tar = writeTar(firstRelease(41, { files: 60, meanSize: 6000 }));

function scan(compressed: Uint8Array, chunk: number) {
  const scanner = createBlockScanner();
  for (let at = 0; at < compressed.length; at += chunk) {
    scanner.push(compressed.subarray(at, at + chunk));
  }
  return scanner.finish();
}

describe("createBlockScanner", () => {
  it("finds every block start and the stream's end, however the bytes arrive", () => {
    const compressed = deflateRawSync(tar, { level: 6, memLevel: 1 });
    const whole = scan(compressed, compressed.length);
    expect(whole.blocks.length).toBeGreaterThan(3);
    expect(whole.blocks[0]).toEqual({ bit: 0, input: 0 });
    expect(whole.inflatedLength).toBe(tar.length);
    expect(Math.ceil(whole.endBit / 8)).toBe(compressed.length);
    for (const chunk of [1, 7, 1000, 4096]) expect(scan(compressed, chunk)).toEqual(whole);
    // Each block start is where inflating the stream so far stops at a block boundary.
    for (const block of whole.blocks.slice(1)) {
      expect(block.input).toBeGreaterThan(0);
      expect(block.input).toBeLessThan(tar.length);
    }
  });

  it("reads stored, fixed and dynamic blocks", () => {
    const stored = deflateRawSync(seededBytes(42, 200_000), { level: 1 }); // incompressible: stored
    const fixed = deflateRawSync(Buffer.from("ab"), { strategy: 4 });
    for (const compressed of [stored, fixed, deflateRawSync(new Uint8Array(0))]) {
      const found = scan(compressed, 333);
      expect(found.inflatedLength).toBe(inflateRawSync(compressed).length);
      expect(Math.ceil(found.endBit / 8)).toBe(compressed.length);
    }
  });

  it("refuses a truncated or malformed stream", () => {
    const compressed = deflateRawSync(tar);
    expect(() => scan(compressed.subarray(0, compressed.length - 5), 100)).toThrow(RangeError);
    const reserved = new Uint8Array([0b111]); // final block of reserved type 3
    expect(() => scan(reserved, 1)).toThrow(RangeError);
  });
});
