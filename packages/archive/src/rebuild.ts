import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { ByteStream, RandomAccessSource } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import type { BitJoiner } from "./bit-string.js";
import { createBitJoiner } from "./bit-string.js";
import { createByteReader } from "./byte-reader.js";
import type { ByteReader } from "./byte-reader.js";
import { deflateStream } from "./deflate-engines.js";
import type { Piece } from "./deflate-jobs.js";
import { HISTORY, LOOKAHEAD } from "./deflate-jobs.js";
import type { DeflateParams } from "./deflate-params.js";
import type { DeflatePool } from "./deflate-pool.js";
import type { OutputChunks } from "./output-chunks.js";
import { createOutputChunks } from "./output-chunks.js";
import type { DeflateSegment, Segment } from "./segments.js";

/** The deflate implementation this runtime replays with, as recorded in headers. */
export function deflateEngineName(): string {
  return `node-zlib/${process.versions.zlib ?? "unknown"}`;
}

/** What {@link rebuildTarget} turns back into the original file. */
export interface RebuildInput {
  /** The expanded target: the inner codec's output. */
  readonly expanded: ByteStream;
  readonly segments: readonly Segment[];
  readonly targetSha256: string;
  /** The deflate implementation the delta was made with (for hints). */
  readonly engine: string;
  /** The reference, for copied streams. */
  readonly reference: RandomAccessSource;
  readonly pool: DeflatePool;
  readonly signal?: AbortSignal | undefined;
}

const OUTPUT_CHUNK = 64 * 1024;
/** Streams up to this size without pieces are deflated by one job on the pool. */
const ONE_JOB = 8 * 1024 * 1024;
/** Raw runs up to this size are held while earlier streams are deflated. */
const HELD_RAW = 1024 * 1024;
/** Bytes held for work not emitted yet (inputs of jobs, raw runs); past it the head is awaited. */
const BUDGET_PER_WORKER = 8 * 1024 * 1024;
/**
 * Jobs kept queued or running per worker before output that is ready is written: reading
 * ahead for the next stream to deflate comes first, so that no worker waits for work.
 */
const JOBS_AHEAD_PER_WORKER = 2;

/** Output waiting its turn: `emit` runs when everything before it has been emitted. */
interface Queued {
  /** Bytes it holds until emitted. */
  readonly held: number;
  /** Whether `emit` can run without waiting for a worker. */
  ready(): boolean;
  emit(out: OutputChunks): void | Promise<void>;
}

/**
 * Turn the expanded target (the inner codec's output) back into the original bytes: raw
 * runs pass through, copied streams are read from the reference, deflate streams are
 * deflated again with their recorded settings on the pool (a stream's pieces in parallel)
 * and checked (inflated length and CRC-32 before, compressed length after); output keeps
 * the file's order, comes in chunks of about 1 MiB, and memory stays bounded. The whole
 * result is checked against the recorded SHA-256. Any difference is an `IntegrityError`
 * raised while iterating.
 *
 * @example
 * ```ts
 * for await (const chunk of rebuildTarget({ expanded, segments, targetSha256, engine, reference, pool })) out.write(chunk);
 * ```
 */
export async function* rebuildTarget(
  input: RebuildInput,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { segments, pool, reference, signal } = input;
  const reader = createByteReader(input.expanded);
  const hash = createHash("sha256");
  const out = createOutputChunks(reference, hash);
  const workers = rebuildWorkers(pool.size, segments);
  const budget = Math.max(1, workers) * BUDGET_PER_WORKER;
  const jobsAhead = workers * JOBS_AHEAD_PER_WORKER;
  const queue: Queued[] = [];
  let held = 0;
  /** Jobs still running, forgotten once settled so that their output is not kept to the end. */
  const pending = new Set<Promise<unknown>>();

  async function* emitHead(): AsyncGenerator<Uint8Array, void, undefined> {
    const head = queue.shift() as Queued;
    // Hand on what is gathered before waiting for a worker: it can be written meanwhile.
    if (!head.ready()) yield* out.take(true);
    await head.emit(out);
    held -= head.held;
    yield* out.take(false);
  }
  /**
   * Emit from the head of the queue: whatever needs no waiting (raw runs, copies, finished
   * jobs) while the workers have enough queued, then, while more than `below` bytes are
   * held, the rest in turn.
   */
  async function* drain(below: number): AsyncGenerator<Uint8Array, void, undefined> {
    while (
      queue.length > 0 &&
      (held > below || ((queue[0] as Queued).ready() && pending.size >= jobsAhead))
    ) {
      yield* emitHead();
    }
  }
  const enqueue = (item: Queued): void => {
    queue.push(item);
    held += item.held;
  };
  /** A pool job whose failure must surface at its turn, not as an unhandled rejection. */
  const job = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    const forget = (): void => {
      pending.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  };

  try {
    for (const segment of segments) {
      throwIfAborted(signal);
      if (segment.kind === "copy") {
        enqueue({
          held: 0,
          ready: () => true,
          emit: (o) => o.copy(segment.referenceOffset, segment.length),
        });
      } else if (segment.kind === "raw") {
        if (segment.length <= HELD_RAW) {
          const bytes = await reader.read(segment.length);
          if (bytes.length !== segment.length) throw shortExpansion();
          enqueue({ held: bytes.length, ready: () => true, emit: (o) => o.append(bytes) });
        } else {
          yield* drain(-1);
          let got = 0;
          for await (const chunk of reader.take(segment.length)) {
            got += chunk.length;
            out.append(chunk);
            yield* out.take(false);
          }
          if (got !== segment.length) throw shortExpansion();
        }
      } else {
        const params = segment.params;
        if (params === undefined)
          throw new IntegrityError("archive delta: a stream has no settings");
        const pieces = segment.pieces ?? [];
        if (pieces.length === 0 && segment.inflatedLength > ONE_JOB) {
          // One long stream, not cut into pieces (version 1 deltas): deflated as it streams.
          yield* drain(-1);
          for await (const chunk of redeflate(reader, segment, params, input.engine, signal)) {
            out.append(chunk);
            yield* out.take(false);
          }
          continue;
        }
        const run: RunJob = (piece, bits) =>
          job(
            pool.run(
              { kind: "deflate", params, piece, ...(bits === undefined ? {} : { bits }) },
              signal,
              // The piece's arrays are fresh copies made for this job: moved, not copied.
              { transfer: true, alongside: workers },
            ),
          );
        for (const item of deflateJobs(reader, segment, params, input.engine, run)) {
          const ready = await item;
          enqueue(ready);
          yield* drain(budget);
        }
      }
      yield* drain(budget);
    }
    yield* drain(-1);
    yield* out.take(true);
    if (!(await reader.atEnd())) {
      throw new IntegrityError("archive delta: the expanded target is longer than recorded");
    }
    if (hash.digest("hex") !== input.targetSha256) {
      throw new IntegrityError("archive delta: the rebuilt file's SHA-256 does not match", {
        hint: "The delta is damaged or was made against a different reference.",
      });
    }
  } finally {
    // Jobs and reads still running hold nothing of ours once settled; wait so none outlives
    // the call.
    await Promise.allSettled(pending);
    await out.settle();
    await reader.close();
  }
}

/** Deflate a piece on the pool: its first `bits` bits, or all of it when final. */
type RunJob = (piece: Piece, bits: number | undefined) => Promise<Uint8Array>;

/**
 * Workers a rebuild deflates on at once. When it copies more bytes from the reference than it
 * deflates, this thread is busy for the whole rebuild (copies, hashing, the inner delta's
 * decoding), and all but one of the pool's workers leave it a core: on 2 cores a jar that is
 * mostly copies took 20% more CPU time with two workers beside it than with one (a second
 * isolate starting and compiling the deflater). A file that is mostly deflating (one long
 * gzip stream) uses them all: its pieces deflate in parallel and this thread waits.
 */
export function rebuildWorkers(poolSize: number, segments: readonly Segment[]): number {
  let copied = 0;
  let deflated = 0;
  for (const s of segments) {
    if (s.kind === "copy") copied += s.length;
    else if (s.kind === "deflate") deflated += s.inflatedLength;
  }
  return poolSize > 1 && copied >= deflated ? poolSize - 1 : poolSize;
}

/**
 * The queue items of one deflate stream: one job, or one per piece. Each item is produced
 * once the stream's bytes it needs have been read (in order, so `reader` is shared safely).
 */
function* deflateJobs(
  reader: ByteReader,
  segment: DeflateSegment,
  params: DeflateParams,
  engine: string,
  run: RunJob,
): Generator<Promise<Queued>, void, undefined> {
  const pieces = segment.pieces ?? [];
  const length = segment.inflatedLength;
  let crc = 0;
  /** Bytes of the stream read so far, from `bufferStart`. */
  let buffer = new Uint8Array(0);
  let bufferStart = 0;
  let read = 0;
  const readTo = async (end: number): Promise<void> => {
    if (end <= read) return;
    const more = await reader.read(end - read);
    if (more.length !== end - read) throw shortExpansion();
    crc = crc32(more, crc);
    const next = new Uint8Array(read - bufferStart + more.length);
    next.set(buffer.subarray(0, read - bufferStart));
    next.set(more, read - bufferStart);
    buffer = next;
    read = end;
  };
  const joiner: BitJoiner = createBitJoiner();
  let produced = 0;
  const starts = [{ input: 0, bit: 0 }, ...pieces];
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k] as { input: number; bit: number };
    const next = starts[k + 1];
    const final = next === undefined;
    yield (async (): Promise<Queued> => {
      const inputEnd = final ? length : Math.min(length, next.input + LOOKAHEAD);
      await readTo(inputEnd);
      const historyStart = Math.max(0, start.input - HISTORY);
      const piece = {
        history: buffer.slice(historyStart - bufferStart, start.input - bufferStart),
        input: buffer.slice(start.input - bufferStart, inputEnd - bufferStart),
        position: start.input,
        final,
      };
      if (final && crc >>> 0 !== segment.crc32) throw crcMismatch();
      // Later pieces need at most HISTORY bytes before their start.
      if (next !== undefined) {
        const keepFrom = Math.max(bufferStart, next.input - HISTORY);
        buffer = buffer.slice(keepFrom - bufferStart);
        bufferStart = keepFrom;
      }
      const bits = final ? undefined : next.bit - start.bit;
      let done = false;
      const held = piece.history.length + piece.input.length;
      const result = run(piece, bits);
      result.then(
        () => {
          done = true;
        },
        () => {
          done = true;
        },
      );
      return {
        held,
        ready: () => done,
        async emit(out) {
          const deflated = await result;
          if (pieces.length === 0) {
            if (deflated.length !== segment.compressedLength) throw streamMismatch(engine, params);
            out.append(deflated);
            return;
          }
          let bytes = joiner.append(deflated, bits ?? deflated.length * 8);
          if (final) {
            const tail = joiner.finish();
            const joined = new Uint8Array(bytes.length + tail.length);
            joined.set(bytes);
            joined.set(tail, bytes.length);
            const left = segment.compressedLength - produced;
            if (joined.length < left || joined.subarray(left).some((b) => b !== 0)) {
              throw streamMismatch(engine, params);
            }
            bytes = joined.subarray(0, left);
          }
          produced += bytes.length;
          if (produced > segment.compressedLength) throw streamMismatch(engine, params);
          out.append(bytes);
        },
      };
    })();
  }
}

function shortExpansion(): IntegrityError {
  return new IntegrityError("archive delta: the expanded target ended early", {
    hint: "The delta is damaged or was made against a different reference.",
  });
}

/** A stream with no pieces, deflated on this thread as its bytes arrive. */
async function* redeflate(
  reader: ByteReader,
  segment: DeflateSegment,
  params: DeflateParams,
  engine: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  let inflatedLength = 0;
  let inflatedCrc = 0;
  async function* input(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of reader.take(segment.inflatedLength)) {
      inflatedLength += chunk.length;
      inflatedCrc = crc32(chunk, inflatedCrc);
      yield chunk.slice();
    }
  }
  let produced = 0;
  for await (const chunk of deflateStream(params, input(), OUTPUT_CHUNK)) {
    throwIfAborted(signal);
    produced += chunk.length;
    if (produced > segment.compressedLength) throw streamMismatch(engine, params);
    yield chunk;
  }
  if (inflatedLength !== segment.inflatedLength) throw shortExpansion();
  if (inflatedCrc >>> 0 !== segment.crc32) throw crcMismatch();
  if (produced !== segment.compressedLength) throw streamMismatch(engine, params);
}

function crcMismatch(): IntegrityError {
  return new IntegrityError("archive delta: an inflated stream's CRC-32 does not match", {
    hint: "The delta is damaged or was made against a different reference.",
  });
}

function streamMismatch(engine: string, params: DeflateParams): IntegrityError {
  const here = deflateEngineName();
  const nodeMismatch = params.engine === "node-zlib" && engine !== here;
  return new IntegrityError("archive delta: a deflate stream did not come out byte-exact", {
    hint: nodeMismatch
      ? `It was made with ${engine}; this runtime has ${here}. Decode it with a matching Node.js.`
      : "The delta is damaged.",
  });
}
