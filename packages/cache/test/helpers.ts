import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ByteStream } from "@dg/core";

/** mulberry32: a tiny seeded PRNG for tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededBytes(seed: number, size: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** Readable text that is easy to spot in a dump: numbered lines of a fixed phrase. */
export function canaryText(size: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let line = 0; length < size; line++) {
    const text = `deltaglider plaintext canary line ${String(line).padStart(8, "0")}\n`;
    lines.push(text);
    length += text.length;
  }
  return Buffer.from(lines.join("")).subarray(0, size);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `data` as a stream of pieces of `pieceSize` bytes, each a fresh copy. */
export async function* streamOf(data: Uint8Array, pieceSize = 10_000): ByteStream {
  for (let at = 0; at < data.length; at += pieceSize) yield data.slice(at, at + pieceSize);
}

/** Every file under `folder`, recursively, with its size. */
export async function listFiles(folder: string): Promise<Array<{ path: string; size: number }>> {
  const out: Array<{ path: string; size: number }> = [];
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(folder, name);
    const stats = await stat(path);
    if (stats.isDirectory()) out.push(...(await listFiles(path)));
    else out.push({ path, size: stats.size });
  }
  return out;
}

/**
 * Offsets in `haystack` where some `window`-byte run of `pattern` occurs, found with a rolling
 * (Rabin-Karp) hash so that scanning megabytes stays fast, and confirmed byte by byte.
 */
export function findPatternWindows(
  haystack: Uint8Array,
  pattern: Uint8Array,
  window = 32,
): number[] {
  const p = Buffer.from(pattern.buffer, pattern.byteOffset, pattern.length);
  const h = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length);
  const windows = new Map<number, number[]>();
  for (const [hash, i] of rollingHashes(p, window)) {
    const list = windows.get(hash);
    if (list) list.push(i);
    else windows.set(hash, [i]);
  }
  const hits: number[] = [];
  for (const [hash, j] of rollingHashes(h, window)) {
    const candidates = windows.get(hash);
    if (candidates?.some((i) => h.compare(p, i, i + window, j, j + window) === 0)) hits.push(j);
  }
  return hits;
}

const MODULUS = 1_000_000_007;
const BASE = 257;

function* rollingHashes(bytes: Buffer, window: number): Generator<[number, number]> {
  if (bytes.length < window) return;
  let top = 1; // BASE^(window-1) mod MODULUS
  for (let i = 1; i < window; i++) top = (top * BASE) % MODULUS;
  let hash = 0;
  for (let i = 0; i < window; i++) hash = (hash * BASE + (bytes[i] ?? 0)) % MODULUS;
  yield [hash, 0];
  for (let i = window; i < bytes.length; i++) {
    const out = ((bytes[i - window] ?? 0) * top) % MODULUS;
    hash = (((hash - out + MODULUS) % MODULUS) * BASE + (bytes[i] ?? 0)) % MODULUS;
    yield [hash, i - window + 1];
  }
}

export { readSource as readAll, sameBytes, tempFolder } from "@dg/testkit";
