import { afterEach, describe, expect, it } from "vitest";
import { createSecondaryDecoder } from "../decode/secondary.js";
import type { SectionKind, SecondaryEncoder } from "./secondary.js";
import { createSecondaryEncoder } from "./secondary.js";
import { randomBytes, randomText } from "./test-fixtures.js";

let open: SecondaryEncoder[] = [];
afterEach(() => {
  for (const encoder of open) encoder.dispose();
  open = [];
});
async function encoder(budget?: number): Promise<SecondaryEncoder> {
  const created = await createSecondaryEncoder(budget === undefined ? {} : { budget });
  open.push(created);
  return created;
}

/** Compress `sections` in turn and decode the pieces it wrote with the decoder, in order. */
async function roundTrip(
  secondary: SecondaryEncoder,
  sections: readonly [SectionKind, Uint8Array][],
): Promise<boolean[]> {
  const decoder = createSecondaryDecoder("lzma");
  try {
    const compressed: boolean[] = [];
    for (const [kind, section] of sections) {
      const piece = secondary.compress(kind, section);
      compressed.push(piece !== undefined);
      if (piece === undefined) continue;
      const back = await decoder.decompress(kind, piece, section.length);
      expect(Buffer.compare(back, section)).toBe(0);
    }
    return compressed;
  } finally {
    decoder.dispose();
  }
}

describe("createSecondaryEncoder", () => {
  it("writes pieces of one stream per kind that the decoder reads in order", async () => {
    const text = randomText(1, 300_000);
    const flags = await roundTrip(await encoder(), [
      ["data", text.subarray(0, 100_000)],
      ["instruction", text.subarray(100_000, 120_000)],
      ["data", text.subarray(120_000, 300_000)],
      ["address", text.subarray(5, 20_005)],
    ]);
    expect(flags).toEqual([true, true, true, true]);
  });

  it("leaves short sections as they are", async () => {
    expect(await roundTrip(await encoder(), [["data", randomText(2, 63)]])).toEqual([false]);
  });

  it("samples a large section and leaves incompressible bytes out of the stream", async () => {
    const flags = await roundTrip(await encoder(), [
      ["data", randomBytes(3, 1 << 20)],
      ["data", randomText(4, 1 << 20)],
    ]);
    expect(flags).toEqual([false, true]);
  });

  it("rests a kind after a piece that saved too little, then tries it again", async () => {
    const noise = randomBytes(5, 100_000); // below the sampling size: compressed, saves nothing
    const text = randomText(6, 100_000);
    const flags = await roundTrip(await encoder(), [
      ["data", noise],
      ["data", text],
      ["data", text],
      ["data", text],
      ["data", text],
      ["data", text],
      ["instruction", text],
    ]);
    expect(flags).toEqual([true, false, false, false, false, true, true]);
  });

  it("stops feeding a kind past its budget", async () => {
    const text = randomText(7, 40_000);
    const flags = await roundTrip(await encoder(100_000), [
      ["data", text],
      ["data", text],
      ["data", text],
      ["address", text],
    ]);
    expect(flags).toEqual([true, true, false, true]);
  });

  it("compresses in at most four encoders at once; the others store sections as they are", async () => {
    const text = randomText(8, 10_000);
    const encoders = await Promise.all([1, 2, 3, 4, 5].map(() => encoder()));
    const first = encoders.map((e) => e.compress("data", text) !== undefined);
    expect(first).toEqual([true, true, true, true, false]);
    encoders[0]!.dispose();
    expect(encoders[4]!.compress("data", text)).toBeDefined();
  });
});
