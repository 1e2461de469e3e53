import { createHash } from "node:crypto";
import type { RandomAccessSource } from "@dg/core";
import { createBufferSource } from "@dg/core/memory";
import { createRng, seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { createOutputChunks } from "./output-chunks.js";

const reference = seededBytes(5, 50_000);

/** The reference as a source that reads into the caller's buffer (as a file source does). */
function fileLike(): RandomAccessSource {
  const memory = createBufferSource(reference);
  return {
    size: memory.size,
    read: (position, length) => memory.read(position, length),
    async readInto(position, into, at, length) {
      const bytes = await memory.read(position, length);
      into.set(bytes, at);
      return bytes.length;
    },
    close: () => memory.close(),
  };
}

/** Drive the chunks with a seeded mix of appends and copies; returns what came out. */
async function run(source: RandomAccessSource, chunkSize: number, seed: number) {
  const rng = createRng(seed);
  const hash = createHash("sha256");
  const out = createOutputChunks(source, hash, chunkSize);
  const expected: Uint8Array[] = [];
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    if (rng.int(0, 1) === 0) {
      const bytes = seededBytes(seed * 1000 + i, rng.int(0, 300));
      out.append(bytes);
      expected.push(bytes.slice());
      bytes.fill(0); // the caller may reuse its bytes at once
    } else {
      const offset = rng.int(0, reference.length - 1);
      const length = rng.int(0, Math.min(2_000, reference.length - offset));
      out.copy(offset, length);
      expected.push(reference.subarray(offset, offset + length));
    }
    for await (const chunk of out.take(rng.int(0, 9) === 0)) chunks.push(chunk);
  }
  for await (const chunk of out.take(true)) chunks.push(chunk);
  return { chunks, expected: Buffer.concat(expected), digest: hash.digest("hex"), out };
}

describe("createOutputChunks", () => {
  it("hands on appended and copied bytes in order, in full chunks but the short ones asked for", async () => {
    for (const seed of [1, 2, 3]) {
      const { chunks, expected, digest, out } = await run(
        createBufferSource(reference),
        1024,
        seed,
      );
      expect(Buffer.concat(chunks).equals(expected)).toBe(true);
      expect(digest).toBe(createHash("sha256").update(expected).digest("hex"));
      expect(out.buffered).toBe(0);
      expect(chunks.some((c) => c.length === 1024)).toBe(true);
      expect(chunks.every((c) => c.length > 0 && c.length <= 1024)).toBe(true);
    }
  });

  it("hands out chunks the consumer may keep (later output does not overwrite them)", async () => {
    const { chunks, expected } = await run(fileLike(), 512, 4);
    // Compared only after everything was produced.
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  it("reads by read() when the source has no readInto", async () => {
    const { chunks, expected } = await run(createBufferSource(reference), 700, 5);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  it("fails with an IntegrityError when a copy runs past the reference's end", async () => {
    const out = createOutputChunks(fileLike(), createHash("sha256"), 1024);
    out.append(new Uint8Array(10));
    out.copy(reference.length - 100, 200);
    const take = async () => {
      for await (const _ of out.take(true)) {
        // drained
      }
    };
    await expect(take()).rejects.toMatchObject({ code: "INTEGRITY" });
    await out.settle();
  });
});
