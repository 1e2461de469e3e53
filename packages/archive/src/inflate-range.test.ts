import { crc32, deflateRawSync } from "node:zlib";
import type { RandomAccessSource } from "@dg/core";
import { createBufferSource } from "@dg/core/memory";
import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { inflateRange } from "./inflate-range.js";

const text = Buffer.from("the quick brown fox jumps over the lazy dog\n".repeat(30_000));

async function inflate(source: RandomAccessSource, limit: number, maxOutput = 2 ** 40) {
  const parts: Uint8Array[] = [];
  const found = await inflateRange(source, 3, limit, async (c) => void parts.push(c.slice()), {
    maxOutput,
  });
  return { found, data: Buffer.concat(parts) };
}

describe("inflateRange", () => {
  for (const [name, data] of [
    ["small", text.subarray(0, 5000)],
    ["large", text],
  ] as const) {
    it(`finds where a ${name} stream ends, with bytes after it`, async () => {
      const compressed = deflateRawSync(data);
      const bytes = Buffer.concat([Buffer.from("abc"), compressed, seededBytes(1, 500)]);
      const { found, data: out } = await inflate(createBufferSource(bytes), bytes.length - 3);
      expect(found).toEqual({
        consumed: compressed.length,
        inflatedLength: data.length,
        crc32: crc32(data),
      });
      expect(out.equals(data)).toBe(true);
    });

    it(`refuses a truncated ${name} stream and one past maxOutput`, async () => {
      const compressed = deflateRawSync(data);
      const bytes = Buffer.concat([Buffer.from("abc"), compressed]);
      const source = createBufferSource(bytes);
      expect((await inflate(source, compressed.length - 1)).found).toBeUndefined();
      expect((await inflate(source, compressed.length, data.length - 1)).found).toBeUndefined();
      expect((await inflate(source, compressed.length, data.length)).found).toBeDefined();
    });
  }

  it("passes on failures of the source itself", async () => {
    const failing: RandomAccessSource = {
      size: 1_000_000,
      read: async () => {
        throw new Error("disk on fire");
      },
      close: async () => undefined,
    };
    await expect(inflate(failing, 500_000)).rejects.toThrow("disk on fire");
  });
});
