import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import { extractBits } from "./bit-string.js";
import type { BlockStart } from "./deflate-blocks.js";
import { createBlockScanner } from "./deflate-blocks.js";
import type { ExpectedBits, Piece } from "./deflate-jobs.js";
import { HISTORY, LOOKAHEAD } from "./deflate-jobs.js";
import type { DeflateParams } from "./deflate-params.js";
import { candidateParams, LIKELY_CANDIDATES, paramsKey } from "./deflate-params.js";
import type { DeflatePool } from "./deflate-pool.js";
import type { FoundStream } from "./expanded-reference.js";
import { findDeflateParams } from "./param-search.js";
import type { PieceStart } from "./segments.js";

/** How a target stream is deflated again: its settings, and where it may be cut. */
export interface Reproduction {
  readonly params: DeflateParams;
  readonly pieces: readonly PieceStart[];
}

/** Finds, stream by stream, the settings that reproduce a target's deflate streams. */
export interface StreamSearcher {
  /**
   * Search settings for `stream`, whose inflated bytes are at `inflatedAt` in the inflated
   * file (written and flushed before the call). Resolves undefined when none reproduce it.
   */
  search(stream: FoundStream, inflatedAt: number): Promise<Reproduction | undefined>;
  /**
   * Whether the first settings search of this file found settings (for a long stream, on its
   * first blocks): a hint that the others will too. Resolves once that search is over.
   */
  readonly firstFound: Promise<boolean>;
  /** Settings that reproduced streams of this file so far, most recently successful first. */
  learned(): readonly DeflateParams[];
}

/** Streams inflating to at least this are cut into pieces deflated in parallel. */
export const SPLIT_MIN = 2 * 1024 * 1024;
/** Pieces are at least this long (inflated). */
export const PIECE_LENGTH = 1024 * 1024;
/** Candidates are tried on the blocks of about this much of a long stream's start. */
const PREFIX = 128 * 1024;
/**
 * After this many streams of one archive defeat the full search, only likely settings are
 * tried (each engine's defaults, or only its levels 6 and 9 when nothing was reproduced).
 */
const FULL_SEARCH_FAILURES = 3;
const SCAN_CHUNK = 1024 * 1024;

/** Runs at most `limit()` tasks at once, in the order they were asked for. */
function createLimiter(limit: () => number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const pump = (): void => {
    while (waiting.length > 0 && running < limit()) {
      running++;
      (waiting.shift() as () => void)();
    }
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      pump();
    });
    try {
      return await task();
    } finally {
      running--;
      pump();
    }
  };
}

export interface StreamSearcherOptions {
  readonly pool: DeflatePool;
  /** The target file, whose compressed streams are compared. */
  readonly target: RandomAccessSource;
  /** The file the target's streams are inflated into. */
  readonly inflated: RandomAccessSource;
  readonly signal: AbortSignal | undefined;
  /**
   * Settings that reproduced streams of earlier files (of the same codec, most recent first):
   * tried right after this file's own, before the full search, and they let the searches run
   * in parallel from the first stream on. A wrong hint costs one more try for each stream
   * searched before this file's own settings are found (stopped early for the JavaScript
   * engines, a whole deflate for Node's zlib).
   */
  readonly hints?: readonly DeflateParams[];
}

/**
 * A searcher that runs the deflate work on the pool. Settings that reproduced a stream are
 * tried first for the next ones (a file's streams usually share them); long streams are cut
 * at block starts into pieces checked in parallel.
 *
 * @example
 * ```ts
 * const searcher = createStreamSearcher({ pool, target, inflated, signal });
 * const found = await searcher.search(stream, inflatedAt);
 * ```
 */
export function createStreamSearcher(options: StreamSearcherOptions): StreamSearcher {
  const { pool, target, inflated, signal } = options;
  const hints = options.hints ?? [];
  const learned: DeflateParams[] = [];
  let failures = 0;
  let tellFirst: (found: boolean) => void = () => undefined;
  const firstFound = new Promise<boolean>((resolve) => {
    tellFirst = resolve;
  });
  /** A find job, whose outcome also settles `firstFound` the first time. */
  const find = async (
    job: Parameters<DeflatePool["run"]>[0] & { kind: "find" },
  ): Promise<number> => {
    let index = -1;
    try {
      index = await pool.run(job, signal, { transfer: true });
      return index;
    } finally {
      tellFirst(index >= 0);
    }
  };
  // Jobs in flight: enough to keep every worker busy, few enough to bound memory; one at a
  // time until a first stream (or an earlier file) tells which settings this file uses.
  const limit = createLimiter(() =>
    learned.length > 0 || failures > 0 || hints.length > 0 ? Math.max(1, pool.size) * 2 : 1,
  );
  const allCandidates = candidateParams();
  const likelyCandidates = allCandidates.slice(0, LIKELY_CANDIDATES);
  // When nothing of this file has been reproduced, later streams only get each engine's
  // two commonest levels.
  const defaultCandidates = likelyCandidates.filter((p) => p.level === 6 || p.level === 9);

  function candidates(): DeflateParams[] {
    const base =
      failures < FULL_SEARCH_FAILURES
        ? allCandidates
        : learned.length > 0
          ? likelyCandidates
          : defaultCandidates;
    const seen = new Set(learned.map(paramsKey));
    const first = [...learned];
    for (const hint of hints) {
      const key = paramsKey(hint);
      if (!seen.has(key)) {
        seen.add(key);
        first.push(hint);
      }
    }
    return [...first, ...base.filter((p) => !seen.has(paramsKey(p)))];
  }

  function remember(params: DeflateParams): void {
    const key = paramsKey(params);
    const at = learned.findIndex((p) => paramsKey(p) === key);
    if (at >= 0) learned.splice(at, 1);
    learned.unshift(params);
  }

  function found(params: DeflateParams | undefined): DeflateParams | undefined {
    if (params === undefined) failures++;
    else remember(params);
    return params;
  }

  /** Find the settings with one job over the whole (short) stream. */
  async function searchWhole(stream: FoundStream, at: number): Promise<Reproduction | undefined> {
    return limit(async () => {
      // Copies of our own, moved to the worker (a source may reuse what it returns).
      const input = new Uint8Array(await inflated.read(at, stream.inflatedLength));
      const compressed = new Uint8Array(await target.read(stream.offset, stream.compressedLength));
      const list = candidates();
      const index = await find({
        kind: "find",
        candidates: list,
        piece: { history: new Uint8Array(0), input, position: 0, final: true },
        expected: { bytes: compressed, bits: compressed.length * 8 },
      });
      const params = found(index < 0 ? undefined : list[index]);
      return params === undefined ? undefined : { params, pieces: [] };
    });
  }

  /** The piece of the stream from `start` to `end` (exclusive), as a job carries it. */
  async function pieceOf(
    stream: FoundStream,
    at: number,
    start: BlockStart,
    end: BlockStart | undefined,
    endBit: number,
  ): Promise<{ piece: Piece; expected: ExpectedBits }> {
    const historyStart = Math.max(0, start.input - HISTORY);
    const inputEnd =
      end === undefined
        ? stream.inflatedLength
        : Math.min(stream.inflatedLength, end.input + LOOKAHEAD);
    const bytes = await inflated.read(at + historyStart, inputEnd - historyStart);
    const bits = (end === undefined ? endBit : end.bit) - start.bit;
    // The piece's compressed bits, read from the target (never the whole stream at once).
    const firstByte = Math.floor(start.bit / 8);
    const lastByte = Math.ceil((start.bit + bits) / 8);
    const compressed = await target.read(stream.offset + firstByte, lastByte - firstByte);
    return {
      piece: {
        history: bytes.slice(0, start.input - historyStart),
        input: bytes.slice(start.input - historyStart),
        position: start.input,
        final: end === undefined,
      },
      expected: { bytes: extractBits(compressed, start.bit % 8, bits), bits },
    };
  }

  /** The stream's block starts, read as it streams by; undefined when it is not sound. */
  async function scan(stream: FoundStream) {
    const scanner = createBlockScanner();
    for (let done = 0; done < stream.compressedLength; ) {
      throwIfAborted(signal);
      const n = Math.min(SCAN_CHUNK, stream.compressedLength - done);
      scanner.push(await target.read(stream.offset + done, n));
      done += n;
    }
    try {
      const scanned = scanner.finish();
      // The bits after the final block, to the end of its byte, must be zero (pieces are
      // joined and padded with zero bits).
      const last = await target.read(stream.offset + stream.compressedLength - 1, 1);
      const spare = stream.compressedLength * 8 - scanned.endBit;
      const cleanEnd = spare >= 0 && spare < 8 && (last[0] ?? 0) >> (8 - spare) === 0;
      return cleanEnd ? scanned : undefined;
    } catch {
      return undefined;
    }
  }

  async function searchLong(stream: FoundStream, at: number): Promise<Reproduction | undefined> {
    const scanned = await scan(stream);
    if (scanned === undefined) {
      // Not a stream this package cuts (it was inflated, so this is rare): one piece.
      return limit(async () => {
        const params = await findDeflateParams(
          { source: inflated, start: at, length: stream.inflatedLength },
          { source: target, start: stream.offset, length: stream.compressedLength },
          candidates(),
          signal,
        );
        const kept = found(params);
        tellFirst(kept !== undefined);
        return kept === undefined ? undefined : { params: kept, pieces: [] };
      });
    }
    const { blocks, endBit } = scanned;
    const starts: BlockStart[] = [{ bit: 0, input: 0 }];
    for (const block of blocks) {
      const last = starts[starts.length - 1] as BlockStart;
      if (
        block.input - last.input >= PIECE_LENGTH &&
        stream.inflatedLength - block.input >= PIECE_LENGTH / 2
      ) {
        starts.push(block);
      }
    }
    const findOn = (
      list: readonly BlockStart[],
      i: number,
      end: BlockStart | undefined,
      tried: readonly DeflateParams[],
    ) =>
      limit(async () => {
        const { piece, expected } = await pieceOf(stream, at, list[i] as BlockStart, end, endBit);
        const skip = new Set(tried.map(paramsKey));
        const options = candidates().filter((c) => !skip.has(paramsKey(c)));
        const index = await find({ kind: "find", candidates: options, piece, expected });
        return index < 0 ? undefined : options[index];
      });
    const check = (
      params: DeflateParams,
      list: readonly BlockStart[],
      i: number,
    ): Promise<boolean> =>
      limit(async () => {
        const { piece, expected } = await pieceOf(
          stream,
          at,
          list[i] as BlockStart,
          list[i + 1],
          endBit,
        );
        return pool.run({ kind: "check", params, piece, expected }, signal, { transfer: true });
      });

    // Find the settings on the first blocks, then check the first piece with them: settings
    // that make the first blocks may still differ later (two engines agree on short input),
    // and then the settings are searched again on that piece. The first piece starts the
    // stream, so it fails only for the wrong settings; later pieces may also fail where the
    // stream's deflater had a match pending (see below).
    const tried: DeflateParams[] = [];
    let params = await findOn(
      starts,
      0,
      blocks.find((b) => b.input >= PREFIX),
      tried,
    );
    let first = false;
    for (let attempt = 0; params !== undefined && attempt < 3; attempt++) {
      tried.push(params);
      first = await check(params, starts, 0);
      if (first) break;
      params = await findOn(starts, 0, starts[1], tried);
    }
    if (params === undefined || !first) {
      found(undefined);
      return undefined;
    }
    const current: DeflateParams = params;
    // Known good for this file: later searches try it first (and run in parallel).
    remember(current);
    const results = [
      true,
      ...(await Promise.all(starts.slice(1).map((_, i) => check(current, starts, i + 1)))),
    ];
    const settled: DeflateParams = params;
    // A piece that starts where the stream's deflater had a match pending does not come out
    // the same from a fresh start: it joins the piece before, which is checked again (and
    // joins the one before it in turn, if need be).
    const kept: BlockStart[] = [];
    const ok: boolean[] = [];
    results.forEach((good, i) => {
      if (good || i === 0) {
        kept.push(starts[i] as BlockStart);
        ok.push(good);
      } else {
        ok[ok.length - 1] = false;
      }
    });
    for (let i = kept.length - 1; i >= 0; i--) {
      if (ok[i]) continue;
      if (await check(settled, kept, i)) continue;
      if (i === 0) {
        found(undefined);
        return undefined;
      }
      kept.splice(i, 1);
      ok.splice(i, 1);
      ok[i - 1] = false;
    }
    return { params: settled, pieces: kept.slice(1) };
  }

  return {
    firstFound,
    learned: () => [...learned],
    search(stream, at) {
      const searching =
        stream.inflatedLength < SPLIT_MIN ? searchWhole(stream, at) : searchLong(stream, at);
      // Whatever happens to the first search, `firstFound` must settle (a failure says no).
      searching.then(
        () => tellFirst(false),
        () => tellFirst(false),
      );
      return searching;
    },
  };
}

/** Settings that reproduced streams of earlier files, shared by the encodes of one codec. */
export interface SettingsMemory {
  /** Most recently successful first. */
  recent(): readonly DeflateParams[];
  /** Record what reproduced the streams of a file (its most recently successful first). */
  learn(found: readonly DeflateParams[]): void;
}

/**
 * A {@link SettingsMemory} of at most `size` settings: the files of one command (the
 * releases of one project, the jars of one build) are usually made by one tool, so the
 * settings of the last file are the likeliest for the next.
 *
 * @example
 * ```ts
 * const memory = createSettingsMemory();
 * const searcher = createStreamSearcher({ pool, target, inflated, signal, hints: memory.recent() });
 * memory.learn(searcher.learned());
 * ```
 */
export function createSettingsMemory(size = 4): SettingsMemory {
  let recent: DeflateParams[] = [];
  return {
    recent: () => recent,
    learn(found) {
      if (found.length === 0) return;
      const seen = new Set<string>();
      const next: DeflateParams[] = [];
      for (const p of [...found, ...recent]) {
        const key = paramsKey(p);
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(p);
      }
      recent = next.slice(0, size);
    },
  };
}
