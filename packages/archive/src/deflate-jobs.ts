import { deflateRawSync } from "node:zlib";
import { sameBits } from "./bit-string.js";
import { createClassicDeflater } from "./classic/classic-deflater.js";
import { classicOptions } from "./deflate-engines.js";
import type { DeflateParams } from "./deflate-params.js";

/**
 * A piece of a deflate stream to deflate again: its inflated bytes, the 32 KiB before them
 * (as the deflater's history), and whether the piece runs to the end of the stream. Pieces
 * other than the last carry a little of the next piece's input too, so that the blocks up
 * to the piece's end come out as the whole stream's did.
 */
export interface Piece {
  /** Up to {@link HISTORY} bytes that precede the piece (empty for a stream's first piece). */
  readonly history: Uint8Array;
  /** The piece's bytes, then (unless `final`) up to {@link LOOKAHEAD} bytes that follow. */
  readonly input: Uint8Array;
  /** Offset of the piece's first byte in the inflated stream. */
  readonly position: number;
  readonly final: boolean;
}

/** History a piece is deflated with: deflate's largest window. */
export const HISTORY = 32 * 1024;
/** Input after a piece's end given with it, more than deflate ever looks ahead. */
export const LOOKAHEAD = 8 * 1024;

/**
 * The first `bits` bits a piece must produce. A final piece must also produce exactly
 * `ceil(bits / 8)` bytes (its last byte padded with zero bits).
 */
export interface ExpectedBits {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** Work the deflate workers do; {@link runDeflateJob} runs one. */
export type DeflateJob =
  | {
      /** The index of the first candidate that reproduces `expected`, or -1. */
      readonly kind: "find";
      readonly candidates: readonly DeflateParams[];
      readonly piece: Piece;
      readonly expected: ExpectedBits;
    }
  | {
      /** Whether `params` reproduce `expected`. */
      readonly kind: "check";
      readonly params: DeflateParams;
      readonly piece: Piece;
      readonly expected: ExpectedBits;
    }
  | {
      /** The piece's output: its first `bits` bits, or everything when final. */
      readonly kind: "deflate";
      readonly params: DeflateParams;
      readonly piece: Piece;
      readonly bits?: number;
    };

/** What each kind of job returns. */
export interface DeflateJobResults {
  readonly find: number;
  readonly check: boolean;
  readonly deflate: Uint8Array;
}

export type DeflateJobResult = DeflateJobResults[keyof DeflateJobResults];

/**
 * Deflate a piece with `params`, finishing the stream after its input. The first piece of a
 * stream starts a fresh stream; later ones start primed with their history, as zlib's
 * `deflateSetDictionary` primes a raw deflate stream (see FORMAT.md, *Pieces*).
 *
 * @example
 * ```ts
 * const out = deflatePiece(params, { history: new Uint8Array(0), input, position: 0, final: true });
 * ```
 */
export function deflatePiece(params: DeflateParams, piece: Piece): Uint8Array {
  if (params.engine === "node-zlib") {
    return deflateRawSync(piece.input, {
      level: params.level,
      memLevel: params.memLevel,
      windowBits: params.windowBits,
      strategy: params.strategy,
      ...(piece.history.length === 0 ? {} : { dictionary: piece.history }),
    });
  }
  const deflater = createClassicDeflater({
    ...classicOptions(params),
    ...(piece.history.length === 0
      ? {}
      : { history: { bytes: piece.history, position: piece.position } }),
  });
  try {
    return joinParts([deflater.write(piece.input), deflater.finish()]);
  } finally {
    deflater.dispose();
  }
}

function joinParts(parts: readonly (Uint8Array | undefined)[]): Uint8Array {
  const present = parts.filter((p): p is Uint8Array => p !== undefined && p.length > 0);
  if (present.length === 1) return present[0] as Uint8Array;
  const out = new Uint8Array(present.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of present) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function matches(output: Uint8Array, piece: Piece, expected: ExpectedBits): boolean {
  if (piece.final && output.length !== Math.ceil(expected.bits / 8)) return false;
  return sameBits(output, expected.bytes, expected.bits);
}

/** Input pieces for the JavaScript engines, so that a wrong candidate stops early. */
const CLASSIC_FEED = 8 * 1024;

/**
 * Whether the JavaScript engines reproduce `expected`, comparing output as it is produced
 * and stopping at the first difference (most wrong candidates differ in the first block).
 */
function classicMatches(params: DeflateParams, piece: Piece, expected: ExpectedBits): boolean {
  const deflater = createClassicDeflater({
    ...classicOptions(params),
    ...(piece.history.length === 0
      ? {}
      : { history: { bytes: piece.history, position: piece.position } }),
  });
  const limitBits = expected.bits;
  let at = 0;
  const agrees = (out: Uint8Array | undefined): boolean => {
    if (out === undefined || out.length === 0) return true;
    const bits = Math.min(out.length * 8, limitBits - at * 8);
    if (bits > 0 && !sameBits(out, expected.bytes.subarray(at), bits)) return false;
    at += out.length;
    return true;
  };
  const input = piece.input;
  try {
    for (let i = 0; i < input.length; i += CLASSIC_FEED) {
      if (!agrees(deflater.write(input.subarray(i, i + CLASSIC_FEED)))) return false;
      if (piece.final ? at * 8 >= limitBits + 8 : at * 8 >= limitBits) return !piece.final;
    }
    if (!agrees(deflater.finish())) return false;
    return piece.final ? at === Math.ceil(limitBits / 8) : at * 8 >= limitBits;
  } finally {
    deflater.dispose();
  }
}

function reproduces(params: DeflateParams, piece: Piece, expected: ExpectedBits): boolean {
  if (params.engine !== "node-zlib") return classicMatches(params, piece, expected);
  return matches(deflatePiece(params, piece), piece, expected);
}

/**
 * Run one job (in a worker, or inline when there are none).
 *
 * @example
 * ```ts
 * const index = runDeflateJob({ kind: "find", candidates, piece, expected }) as number;
 * ```
 */
export function runDeflateJob(job: DeflateJob): DeflateJobResult {
  switch (job.kind) {
    case "find":
      return job.candidates.findIndex((params) => reproduces(params, job.piece, job.expected));
    case "check":
      return reproduces(job.params, job.piece, job.expected);
    case "deflate": {
      const output = deflatePiece(job.params, job.piece);
      if (job.piece.final || job.bits === undefined) return output;
      return output.subarray(0, Math.ceil(job.bits / 8));
    }
  }
}
