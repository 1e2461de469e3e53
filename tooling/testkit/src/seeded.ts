import { createCipheriv, createHash } from "node:crypto";

/** A deterministic pseudo-random number source for tests (never `Math.random`). */
export interface Rng {
  /** A 32-bit unsigned integer. */
  nextUint32(): number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/**
 * A small seeded PRNG (xorshift128, state mixed from the seed with an integer hash).
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * const size = rng.int(1, 1000);
 * ```
 */
export function createRng(seed: number): Rng {
  // Mix the seed so that nearby seeds give unrelated streams, and the state is never all zero.
  let h = seed >>> 0 || 0x9e3779b9;
  const mix = (): number => {
    h = (h + 0x6d2b79f5) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix() | 1;
  const nextUint32 = (): number => {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d;
  };
  const next = (): number => nextUint32() / 0x1_0000_0000;
  return {
    nextUint32,
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick(items) {
      if (items.length === 0) throw new Error("pick() needs a non-empty array");
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
  };
}

const ZEROS = new Uint8Array(1024 * 1024);

function keystreamCipher(seed: number | string, block = 0n) {
  // AES-128-CTR over zeros is a fast, deterministic byte generator (about 1 GB/s here), and
  // it can start at any 16-byte block: the IV is the big-endian block counter.
  const key = createHash("sha256").update(`dg-seeded:${seed}`).digest().subarray(0, 16);
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(block >> 64n, 0);
  iv.writeBigUInt64BE(block & 0xffff_ffff_ffff_ffffn, 8);
  return createCipheriv("aes-128-ctr", key, iv);
}

/**
 * `length` deterministic pseudo-random bytes for `seed`. The same as the first `length` bytes
 * of `seededStream(seed, n)` for any `n >= length`.
 *
 * @example
 * ```ts
 * const body = seededBytes(7, 1024);
 * ```
 */
export function seededBytes(seed: number | string, length: number): Uint8Array {
  const cipher = keystreamCipher(seed);
  const out = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const n = Math.min(ZEROS.length, length - at);
    out.set(cipher.update(ZEROS.subarray(0, n)), at);
    at += n;
  }
  return out;
}

/**
 * Stream `length` seeded bytes in chunks of `chunkSize`, never holding more than one chunk:
 * for multi-GiB test bodies.
 *
 * @example
 * ```ts
 * for await (const chunk of seededStream("big", 6 * 2 ** 30)) hash.update(chunk);
 * ```
 */
export async function* seededStream(
  seed: number | string,
  length: number,
  chunkSize = 1024 * 1024,
): AsyncGenerator<Uint8Array> {
  const cipher = keystreamCipher(seed);
  const zeros = chunkSize <= ZEROS.length ? ZEROS : new Uint8Array(chunkSize);
  let left = length;
  while (left > 0) {
    const n = Math.min(chunkSize, left);
    yield new Uint8Array(cipher.update(zeros.subarray(0, n)));
    left -= n;
  }
}

/**
 * Bytes `[start, start + length)` of the seeded stream for `seed`, without generating what
 * comes before: for checking ranges of multi-GiB bodies.
 *
 * @example
 * ```ts
 * const tail = seededSlice("big", 6 * 2 ** 30 - 100, 100);
 * ```
 */
export function seededSlice(seed: number | string, start: number, length: number): Uint8Array {
  const skip = start % 16;
  const cipher = keystreamCipher(seed, BigInt((start - skip) / 16));
  const out = new Uint8Array(length);
  cipher.update(ZEROS.subarray(0, skip));
  let at = 0;
  while (at < length) {
    const n = Math.min(ZEROS.length, length - at);
    out.set(cipher.update(ZEROS.subarray(0, n)), at);
    at += n;
  }
  return out;
}

/**
 * `length` deterministic text-like bytes for `seed`: words of twelve lowercase letters between
 * spaces, which LZMA and deflate shrink as they do source code or release notes.
 *
 * @example
 * ```ts
 * const notes = seededLetters("notes", 4096);
 * ```
 */
export function seededLetters(seed: number | string, length: number): Uint8Array {
  return seededBytes(seed, length).map((b) => (b % 7 === 0 ? 0x20 : 0x61 + (b % 12)));
}
