import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { firstRelease } from "../test/corpus.js";
import { hasBinary } from "../test/gnu.js";
import { writeTar } from "../test/tar-writer.js";
import { createBitJoiner, extractBits } from "./bit-string.js";
import { createBlockScanner } from "./deflate-blocks.js";
import { deflateWhole } from "./deflate-engines.js";
import type { Piece } from "./deflate-jobs.js";
import { deflatePiece, HISTORY, LOOKAHEAD, runDeflateJob } from "./deflate-jobs.js";
import type { DeflateEngine, DeflateParams } from "./deflate-params.js";

const data = writeTar(firstRelease(61, { files: 80, meanSize: 9000 }));

function paramsOf(engine: DeflateEngine, level: number): DeflateParams {
  return { engine, level, memLevel: 8, windowBits: 15, strategy: 0 };
}

/** The stream cut at its block starts: each piece with its history, input and expected bits. */
function piecesOf(params: DeflateParams) {
  const whole = deflateWhole(params, data);
  const scanner = createBlockScanner();
  scanner.push(whole);
  const { blocks, endBit } = scanner.finish();
  return {
    whole,
    pieces: blocks.map((block, i) => {
      const next = blocks[i + 1];
      const final = next === undefined;
      const end = final ? data.length : Math.min(data.length, next.input + LOOKAHEAD);
      const piece: Piece = {
        history: data.slice(Math.max(0, block.input - HISTORY), block.input),
        input: data.slice(block.input, end),
        position: block.input,
        final,
      };
      const bits = (final ? endBit : next.bit) - block.bit;
      return { piece, expected: { bytes: extractBits(whole, block.bit, bits), bits } };
    }),
  };
}

describe("deflate pieces", () => {
  for (const [engine, level] of [
    ["node-zlib", 6],
    ["node-zlib", 9],
    ["zlib", 6],
    ["gnu", 6],
    ["gnu", 9],
  ] as const) {
    it(`${engine} -${level}: pieces deflated with their history join into the stream`, () => {
      const params = paramsOf(engine, level);
      const { whole, pieces } = piecesOf(params);
      expect(pieces.length).toBeGreaterThan(4);
      const join = createBitJoiner();
      const out: Uint8Array[] = [];
      let reproduced = 0;
      for (const { piece, expected } of pieces) {
        // A piece that does not reproduce (a block start inside a pending match) is what
        // the encoder merges away; the ones that do must give exactly the stream's bits.
        if (!runDeflateJob({ kind: "check", params, piece, expected })) return;
        reproduced++;
        const bits = runDeflateJob({ kind: "deflate", params, piece, bits: expected.bits });
        out.push(join.append(bits as Uint8Array, expected.bits));
      }
      out.push(join.finish());
      expect(reproduced).toBe(pieces.length);
      expect(Buffer.concat(out).equals(Buffer.from(whole))).toBe(true);
    });
  }

  it("a piece checked with other settings does not match, and find picks the right ones", () => {
    const params = paramsOf("zlib", 9);
    const { pieces } = piecesOf(params);
    const { piece, expected } = pieces[2] as (typeof pieces)[number];
    expect(runDeflateJob({ kind: "check", params: paramsOf("zlib", 1), piece, expected })).toBe(
      false,
    );
    const candidates = [paramsOf("node-zlib", 9), paramsOf("gnu", 9), params];
    expect(runDeflateJob({ kind: "find", candidates, piece, expected })).toBe(2);
    expect(
      runDeflateJob({ kind: "find", candidates: candidates.slice(0, 2), piece, expected }),
    ).toBe(-1);
  });

  it.skipIf(!hasBinary("python3"))(
    "the zlib engine with history is reference zlib after deflateSetDictionary",
    () => {
      const history = data.subarray(10_000, 10_000 + HISTORY);
      const input = data.subarray(10_000 + HISTORY, 200_000);
      for (const level of [1, 6, 9]) {
        const script = `import sys, zlib
d = sys.stdin.buffer.read()
c = zlib.compressobj(${level}, zlib.DEFLATED, -15, 8, 0, zdict=d[:${HISTORY}])
sys.stdout.buffer.write(c.compress(d[${HISTORY}:]) + c.flush())`;
        const python = spawnSync("python3", ["-c", script], {
          input: data.subarray(10_000, 200_000),
          maxBuffer: 1 << 26,
        });
        const ours = deflatePiece(paramsOf("zlib", level), {
          history,
          input,
          position: 10_000 + HISTORY,
          final: true,
        });
        expect(Buffer.from(ours).equals(python.stdout), `level ${level}`).toBe(true);
      }
    },
  );
});
