import type { RandomAccessSource } from "@dg/core";
import { InternalError } from "@dg/core";
import { createBufferSource } from "@dg/core/memory";
import { createRng } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import type { DeflateJob } from "./deflate-jobs.js";
import { deflatePiece } from "./deflate-jobs.js";
import type { DeflateParams } from "./deflate-params.js";
import { candidateParams, paramsKey } from "./deflate-params.js";
import type { DeflatePool } from "./deflate-pool.js";
import { createDeflatePool } from "./deflate-pool.js";
import { SPLIT_MIN, createSettingsMemory, createStreamSearcher } from "./stream-search.js";

/** A pool that must not be asked for anything: the searches below fail before any job. */
const idlePool: DeflatePool = {
  size: 2,
  run: () => Promise.reject(new InternalError("no job was expected")),
  trim: () => undefined,
  warm: () => undefined,
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

/** Seeded source-like text: words from a small vocabulary, so deflate finds matches. */
function text(seed: number, length: number): Uint8Array {
  const rng = createRng(seed);
  const words = ["const", "return", "function", "value", "=>", "{", "}", "(x)", "if", "else"];
  let out = "";
  while (out.length < length) out += `${words[Math.floor(rng.next() * words.length)]} `;
  return new TextEncoder().encode(out.slice(0, length));
}

/** An inline pool that records the candidate lists of its find jobs. */
function recordingPool(): DeflatePool & { finds: (readonly DeflateParams[])[] } {
  const inline = createDeflatePool({ size: 0 });
  const finds: (readonly DeflateParams[])[] = [];
  return {
    size: 0,
    finds,
    run(job, signal, options) {
      if ((job as DeflateJob).kind === "find") {
        finds.push((job as Extract<DeflateJob, { kind: "find" }>).candidates);
      }
      return inline.run(job, signal, options);
    },
    trim: () => inline.trim(),
    warm: () => inline.warm(),
    close: () => inline.close(),
  };
}

describe("stream searcher settings hints", () => {
  const gnu9: DeflateParams = { engine: "gnu", level: 9, memLevel: 8, windowBits: 15, strategy: 0 };
  const zlib1: DeflateParams = {
    engine: "zlib",
    level: 1,
    memLevel: 8,
    windowBits: 15,
    strategy: 0,
  };
  const input = text(7, 48 * 1024);
  const empty = new Uint8Array(0);
  const compressed = deflatePiece(gnu9, { history: empty, input, position: 0, final: true });
  const stream = {
    offset: 0,
    compressedLength: compressed.length,
    inflatedLength: input.length,
    crc32: 0,
  };

  /** Settings reproduce the stream (two engines may agree on it: either will do). */
  const reproduces = (params: DeflateParams | undefined): boolean =>
    params !== undefined &&
    Buffer.from(deflatePiece(params, { history: empty, input, position: 0, final: true })).equals(
      compressed,
    );

  async function searchWith(hints: readonly DeflateParams[] | undefined) {
    const pool = recordingPool();
    const searcher = createStreamSearcher({
      pool,
      target: createBufferSource(compressed),
      inflated: createBufferSource(input),
      signal: undefined,
      ...(hints === undefined ? {} : { hints }),
    });
    const found = await searcher.search(stream, 0);
    return { found, finds: pool.finds, learned: searcher.learned() };
  }

  it("tries an earlier file's settings first, and finds the stream's with them", async () => {
    const { found, finds, learned } = await searchWith([gnu9]);
    expect(found?.params).toEqual(gnu9);
    expect(finds).toHaveLength(1);
    expect(paramsKey(finds[0]?.[0] as DeflateParams)).toBe(paramsKey(gnu9));
    expect(learned).toEqual([gnu9]);
  });

  it("without hints the full search starts elsewhere and still finds them", async () => {
    const { found, finds } = await searchWith(undefined);
    expect(reproduces(found?.params)).toBe(true);
    expect(paramsKey(finds[0]?.[0] as DeflateParams)).toBe(
      paramsKey(candidateParams()[0] as DeflateParams),
    );
    expect(paramsKey(finds[0]?.[0] as DeflateParams)).not.toBe(paramsKey(gnu9));
  });

  it("a wrong hint is only tried first: the stream's own settings are still found", async () => {
    const { found, finds } = await searchWith([zlib1]);
    expect(reproduces(found?.params)).toBe(true);
    expect(reproduces(zlib1)).toBe(false);
    expect(paramsKey(finds[0]?.[0] as DeflateParams)).toBe(paramsKey(zlib1));
  });

  it("the memory keeps the most recent settings first, each once, at most `size`", () => {
    const memory = createSettingsMemory(2);
    expect(memory.recent()).toEqual([]);
    memory.learn([gnu9]);
    memory.learn([]);
    expect(memory.recent()).toEqual([gnu9]);
    memory.learn([zlib1, gnu9]);
    expect(memory.recent()).toEqual([zlib1, gnu9]);
    const node6: DeflateParams = { ...zlib1, engine: "node-zlib", level: 6 };
    memory.learn([node6]);
    expect(memory.recent()).toEqual([node6, zlib1]);
  });
});
