import { describe, expect, it } from "vitest";
import { concat, decodeAll } from "../../test/fixtures-decode/harness.js";

// A VCDIFF file header (no secondary compressor, no application header), then the first
// window's indicator (no source) and its delta-encoding length as a damaged varint.
const HEADER = Uint8Array.of(0xd6, 0xc3, 0xc4, 0x00, 0x00, 0x00);

describe("every error of a damaged delta carries a hint", () => {
  it.each([
    ["an integer is too long", concat(HEADER, new Uint8Array(9).fill(0xff))],
    ["an integer overflows", concat(HEADER, new Uint8Array(7).fill(0xff), Uint8Array.of(0x7f))],
  ])("%s", async (text, delta) => {
    const error = await decodeAll(new Uint8Array(0), delta).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "INTEGRITY",
      message: `Invalid VCDIFF delta: ${text}`,
      hint: expect.stringContaining("damaged"),
    });
  });
});
