import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * Seeded test data for the codec tests (never `Math.random`): a small xorshift PRNG and
 * builders of source/target pairs. Not exported from the package index.
 */

/** A seeded PRNG (xorshift32) yielding 32-bit unsigned integers. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** `length` seeded random bytes. */
export function randomBytes(seed: number, length: number): Uint8Array {
  const next = createPrng(seed);
  const out = new Uint8Array(length);
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const v = next();
    out[i] = v;
    out[i + 1] = v >>> 8;
    out[i + 2] = v >>> 16;
    out[i + 3] = v >>> 24;
  }
  for (; i < length; i++) out[i] = next();
  return out;
}

/** Seeded text-like bytes (words from a small vocabulary), compressible like source code. */
export function randomText(seed: number, length: number): Uint8Array {
  const next = createPrng(seed);
  const words = [
    "const",
    "return",
    "function",
    "value",
    "index",
    "buffer",
    "length",
    "export",
    "import",
    "delta",
    "source",
    "target",
    "window",
    "=",
    "(",
    ")",
    "{",
    "}",
    ";",
    "\n",
    "  ",
    "if",
  ];
  const out = new Uint8Array(length);
  let i = 0;
  while (i < length) {
    const word = words[next() % words.length] ?? " ";
    for (let k = 0; k < word.length && i < length; k++) out[i++] = word.charCodeAt(k);
    if (i < length) out[i++] = 32;
  }
  return out;
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A byte stream over `bytes` in chunks of `chunkSize` (odd sizes exercise buffering). */
export async function* streamOf(bytes: Uint8Array, chunkSize = 65_521): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) {
    yield bytes.subarray(at, Math.min(bytes.length, at + chunkSize));
  }
}

/** Collect a byte stream. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(Uint8Array.from(chunk));
  return concatBytes(...parts);
}

/** Whether the `xdelta3` binary runs here (tests that need it are skipped otherwise). */
export function hasXdelta3(): boolean {
  try {
    execFileSync("xdelta3", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Decode `delta` against `source` with `xdelta3 -d` (through temporary files). */
export async function xdelta3Decode(source: Uint8Array, delta: Uint8Array): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "dg-xd3-"));
  try {
    await writeFile(join(dir, "src"), source);
    await writeFile(join(dir, "delta"), delta);
    await execFileAsync("xdelta3", [
      "-d",
      "-f",
      "-s",
      join(dir, "src"),
      join(dir, "delta"),
      join(dir, "out"),
    ]);
    return new Uint8Array(await readFile(join(dir, "out")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
