import type { RandomAccessSource } from "@dg/core";
import { InternalError } from "@dg/core";
import { createBufferSource } from "@dg/core/memory";
import { describe, expect, it } from "vitest";
import type { DeflatePool } from "./deflate-pool.js";
import { SPLIT_MIN, createStreamSearcher } from "./stream-search.js";

/** A pool that must not be asked for anything: the searches below fail before any job. */
const idlePool: DeflatePool = {
  size: 2,
  run: () => Promise.reject(new InternalError("no job was expected")),
  close: async () => undefined,
};

/** A target whose reads fail, as a file removed or truncated under the encoder would. */
function failingTarget(size: number): RandomAccessSource & { reads: number } {
  const target = {
    size,
    reads: 0,
    read(): Promise<Uint8Array> {
      target.reads += 1;
      return Promise.reject(new InternalError("the target could not be read"));
    },
    close: async () => undefined,
  };
  return target;
}

describe("stream searcher", () => {
  it("settles firstFound (no) when the first search fails before any job", async () => {
    const target = failingTarget(4 * SPLIT_MIN);
    const searcher = createStreamSearcher({
      pool: idlePool,
      target,
      inflated: createBufferSource(new Uint8Array(0)),
      signal: undefined,
    });
    // A long stream: its blocks are scanned first, and that read fails.
    const stream = {
      offset: 0,
      compressedLength: SPLIT_MIN,
      inflatedLength: 2 * SPLIT_MIN,
      crc32: 0,
    };
    await expect(searcher.search(stream, 0)).rejects.toThrow("the target could not be read");
    expect(target.reads).toBeGreaterThan(0);
    // The encoder waits on this before its speculative inner delta; it must not hang.
    await expect(searcher.firstFound).resolves.toBe(false);
  });
});
