import { Writable } from "node:stream";
import { CancelledError, IntegrityError } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { isClosedPipe, stdinChunks, stdoutWriteError, writeToSink } from "./stdio.js";

const never = new AbortController().signal;

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** An input that counts how many chunks were pulled from it. */
function countedInput(chunks: readonly (Uint8Array | string)[]) {
  const state = { pulled: 0 };
  async function* input() {
    for (const chunk of chunks) {
      state.pulled += 1;
      yield chunk;
    }
  }
  return { input: input(), state };
}

describe("stdinChunks", () => {
  it("passes bytes through and turns text into UTF-8", async () => {
    const bytes = seededBytes("stdin", 1000);
    const { input } = countedInput([bytes.subarray(0, 600), "é", bytes.subarray(600)]);
    const out = await collect(stdinChunks(input, { signal: never }));
    expect(out).toEqual(
      Buffer.concat([bytes.subarray(0, 600), Buffer.from("é"), bytes.subarray(600)]),
    );
  });

  it("accepts a stream of exactly --expected-size bytes", async () => {
    const { input } = countedInput([seededBytes("a", 10), seededBytes("b", 5)]);
    const out = await collect(stdinChunks(input, { signal: never, expectedSize: 15 }));
    expect(out.length).toBe(15);
  });

  it("fails as soon as the stream is longer than --expected-size, reading no further", async () => {
    const { input, state } = countedInput([
      seededBytes("a", 10),
      seededBytes("b", 10),
      seededBytes("c", 10),
    ]);
    const run = collect(stdinChunks(input, { signal: never, expectedSize: 15 }));
    await expect(run).rejects.toThrow(IntegrityError);
    await expect(run).rejects.toThrow(/more than 15 bytes but --expected-size is 15/);
    expect(state.pulled).toBe(2);
  });

  it("fails at the end when the stream is shorter than --expected-size", async () => {
    const { input } = countedInput([seededBytes("a", 10)]);
    await expect(collect(stdinChunks(input, { signal: never, expectedSize: 11 }))).rejects.toThrow(
      /gave 10 bytes but --expected-size is 11/,
    );
  });

  it("stops waiting for input when the signal aborts, and closes the input", async () => {
    const controller = new AbortController();
    let closed = false;
    const stalled: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          controller.abort();
          return new Promise<IteratorResult<Uint8Array>>(() => undefined);
        },
        return: async () => {
          closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    await expect(collect(stdinChunks(stalled, { signal: controller.signal }))).rejects.toThrow(
      CancelledError,
    );
    expect(closed).toBe(true);
  });

  it("refuses chunks that are not bytes", async () => {
    async function* objects() {
      yield { not: "bytes" };
    }
    await expect(collect(stdinChunks(objects(), { signal: never }))).rejects.toThrow(
      /other than bytes/,
    );
  });
});

/** A sink with a tiny buffer that takes `accept` bytes and then fails like a closed pipe. */
function slowSink(options: { readonly acceptBytes?: number } = {}) {
  const received: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (options.acceptBytes !== undefined && total > options.acceptBytes) {
        done(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
        return;
      }
      received.push(chunk);
      setImmediate(done);
    },
  });
  return { sink, received };
}

describe("writeToSink", () => {
  it("writes every chunk in order, waiting for drain", async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => seededBytes(`w${i}`, 100));
    const { sink, received } = slowSink();
    let counted = 0;
    let ahead = 0;
    await writeToSink(
      (async function* () {
        for (const [index, chunk] of chunks.entries()) {
          // How far reading runs ahead of what the sink has taken (bounded by back-pressure).
          ahead = Math.max(ahead, index - received.length);
          yield chunk;
        }
      })(),
      sink,
      { signal: never, onBytes: (n) => (counted += n) },
    );
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(Buffer.concat(received)).toEqual(Buffer.concat(chunks));
    expect(counted).toBe(2000);
    expect(ahead).toBeLessThanOrEqual(2);
  });

  it("stops with a closed-pipe error when the reader goes away", async () => {
    const { sink } = slowSink({ acceptBytes: 300 });
    let pulled = 0;
    async function* endless() {
      while (pulled < 1000) {
        pulled += 1;
        yield seededBytes("e", 100);
      }
    }
    const error = await writeToSink(endless(), sink, { signal: never }).catch((e: unknown) => e);
    expect(isClosedPipe(error)).toBe(true);
    expect(pulled).toBeLessThan(20);
  });

  it("passes on the source's error after the bytes before it", async () => {
    const { sink, received } = slowSink();
    async function* failing() {
      yield seededBytes("f", 50);
      throw new IntegrityError("SHA-256 mismatch");
    }
    await expect(writeToSink(failing(), sink, { signal: never })).rejects.toThrow(
      "SHA-256 mismatch",
    );
    expect(Buffer.concat(received).length).toBe(50);
  });

  it("ends with CancelledError when the signal aborts while waiting for drain", async () => {
    const controller = new AbortController();
    const stuck = new Writable({
      highWaterMark: 1,
      write() {
        // Never completes: the reader is stuck.
        controller.abort();
      },
    });
    async function* source() {
      yield seededBytes("s", 10);
      yield seededBytes("t", 10);
    }
    await expect(writeToSink(source(), stuck, { signal: controller.signal })).rejects.toThrow(
      CancelledError,
    );
  });
});

describe("stdoutWriteError", () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: write`), { code });

  it.each([
    ["ENOSPC", "UNAVAILABLE", "no space left on the device", "Free some space"],
    ["EDQUOT", "UNAVAILABLE", "no space left on the device", "Free some space"],
    ["EACCES", "PERMISSION_DENIED", "permission denied", "you may write to"],
    ["EPERM", "PERMISSION_DENIED", "permission denied", "you may write to"],
    ["EROFS", "PERMISSION_DENIED", "read-only file system", "you may write to"],
    ["EIO", "UNAVAILABLE", "(EIO)", "you may write to"],
  ])(
    "says in one line what %s means for standard output, with a hint",
    (code, dgCode, text, hint) => {
      const error = stdoutWriteError(errno(code));
      expect(error.code).toBe(dgCode);
      expect(error.message).toMatch(/^Cannot write to standard output/);
      expect(error.message).toContain(text);
      expect(error.message).not.toContain("\n");
      expect(error.hint).toContain(hint);
      expect(error.retryable).toBe(false);
    },
  );
});
