import type { Hash } from "node:crypto";
import type { RandomAccessSource } from "@dg/core";
import { IntegrityError } from "@dg/core";

/**
 * A rebuilt file's bytes gathered into large chunks before they are handed on: a zip of
 * thousands of entries is thousands of small pieces (a local header, a copied stream, ...),
 * and each piece handed on alone costs a step of every stage after it (hashing, the
 * consumer's writes, async iteration); a fresh buffer for each also keeps the garbage
 * collector busy. Copies from the reference are read straight into place, several at once.
 */
export interface OutputChunks {
  /** Append bytes (copied; the caller may reuse them). */
  append(bytes: Uint8Array): void;
  /** Append `length` bytes of the reference from `offset`, read into place. */
  copy(offset: number, length: number): void;
  /** Bytes appended since the last chunk was handed on. */
  readonly buffered: number;
  /**
   * Hand on the chunks that are full (`all`: also the last, partial one), once their reads
   * have landed; each is hashed into the hash given at creation. Throws the first failed
   * read's error.
   */
  take(all: boolean): AsyncGenerator<Uint8Array, void, undefined>;
  /** Wait for every read still landing (after a failure, before the reference is closed). */
  settle(): Promise<void>;
}

/** A chunk being filled, and the reads still landing in it. */
interface Filling {
  readonly bytes: Buffer;
  used: number;
  readonly reads: Promise<void>[];
}

/**
 * Gather output into chunks of `chunkSize` bytes (each a buffer of its own: the consumer may
 * keep it).
 *
 * @example
 * ```ts
 * const out = createOutputChunks(reference, hash);
 * out.copy(0, 4096);
 * out.append(header);
 * for await (const chunk of out.take(true)) write(chunk);
 * ```
 */
export function createOutputChunks(
  reference: RandomAccessSource,
  hash: Hash,
  chunkSize = 1024 * 1024,
): OutputChunks {
  const sealed: Filling[] = [];
  let current: Filling | undefined;
  let buffered = 0;
  /** The first read that failed; reads are never left with a rejection nobody handles. */
  let failure: unknown;

  const room = (): Filling => {
    if (current === undefined || current.used === chunkSize) {
      if (current !== undefined) sealed.push(current);
      current = { bytes: Buffer.allocUnsafe(chunkSize), used: 0, reads: [] };
    }
    return current;
  };

  function readInto(into: Filling, at: number, offset: number, length: number): void {
    const landed = (got: number): void => {
      if (got !== length) failure ??= pastEnd();
    };
    const failed = (error: unknown): void => {
      failure ??= error;
    };
    if (reference.readInto !== undefined) {
      into.reads.push(reference.readInto(offset, into.bytes, at, length).then(landed, failed));
    } else {
      into.reads.push(
        reference.read(offset, length).then((bytes) => {
          into.bytes.set(bytes.subarray(0, length), at);
          landed(bytes.length);
        }, failed),
      );
    }
  }

  return {
    append(bytes: Uint8Array): void {
      for (let done = 0; done < bytes.length; ) {
        const into = room();
        const n = Math.min(chunkSize - into.used, bytes.length - done);
        into.bytes.set(bytes.subarray(done, done + n), into.used);
        into.used += n;
        done += n;
        buffered += n;
      }
    },
    copy(offset: number, length: number): void {
      for (let done = 0; done < length; ) {
        const into = room();
        const n = Math.min(chunkSize - into.used, length - done);
        readInto(into, into.used, offset + done, n);
        into.used += n;
        done += n;
        buffered += n;
      }
    },
    get buffered(): number {
      return buffered;
    },
    async *take(all: boolean): AsyncGenerator<Uint8Array, void, undefined> {
      if (current !== undefined && current.used === chunkSize) {
        sealed.push(current);
        current = undefined;
      }
      while (sealed.length > 0) {
        const chunk = sealed.shift() as Filling;
        await Promise.all(chunk.reads);
        if (failure !== undefined) throw failure;
        buffered -= chunk.used;
        hash.update(chunk.bytes);
        yield chunk.bytes;
      }
      const last = current;
      if (!all || last === undefined || last.used === 0) return;
      await Promise.all(last.reads);
      if (failure !== undefined) throw failure;
      // A short chunk goes on as a copy of its own and the buffer is filled again; a longer
      // one goes on as it is (a view: the rest of its buffer is not worth a copy).
      const short = last.used < chunkSize / 2;
      const bytes = short
        ? Buffer.from(last.bytes.subarray(0, last.used))
        : last.bytes.subarray(0, last.used);
      if (short) {
        last.used = 0;
        last.reads.length = 0;
      } else {
        current = undefined;
      }
      buffered -= bytes.length;
      hash.update(bytes);
      yield bytes;
    },
    async settle(): Promise<void> {
      const all = [...sealed, ...(current === undefined ? [] : [current])];
      await Promise.all(all.flatMap((c) => c.reads));
    },
  };
}

function pastEnd(): IntegrityError {
  return new IntegrityError("archive delta: it copies past the end of the reference", {
    hint: "The delta was made against a different reference.",
  });
}
