/**
 * Test support for the decoder: a seeded PRNG, data scenarios, the xdelta3 binary, and
 * helpers to run the decoder into one buffer. Not part of the package build.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeVcdiff } from "../../src/decode/decode-vcdiff.js";
import type { DecodeVcdiffOptions } from "../../src/decode/options.js";
import { createBufferSource } from "../../src/vcdiff/buffer-source.js";

const run = promisify(execFile);

/** A small, fast, seeded PRNG (mulberry32): a function returning uint32 values. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `n` seeded random bytes; `alphabet` < 256 makes them more compressible. */
export function randomBytes(rng: () => number, n: number, alphabet = 256): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng() % alphabet;
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface Scenario {
  readonly name: string;
  readonly source: Uint8Array;
  readonly target: Uint8Array;
}

/** The data shapes the decoder must handle, built from one seed. */
export function scenarios(seed: number, size: number): Scenario[] {
  const rng = createRng(seed);
  const base = randomBytes(rng, size, 64);
  const cut = (a: number, b: number) => base.subarray(Math.floor(a * size), Math.floor(b * size));
  const blocks = [cut(0, 0.25), cut(0.25, 0.5), cut(0.5, 0.75), cut(0.75, 1)];
  return [
    { name: "identical", source: base, target: base },
    { name: "empty source", source: new Uint8Array(0), target: base },
    { name: "empty target", source: base, target: new Uint8Array(0) },
    { name: "both empty", source: new Uint8Array(0), target: new Uint8Array(0) },
    { name: "appended", source: base, target: concat(base, randomBytes(rng, 3001)) },
    {
      name: "inserted",
      source: base,
      target: concat(cut(0, 0.4), randomBytes(rng, 777), cut(0.4, 1)),
    },
    { name: "deleted", source: base, target: concat(cut(0, 0.3), cut(0.35, 1)) },
    {
      name: "reordered",
      source: base,
      target: concat(blocks[2]!, blocks[0]!, blocks[3]!, blocks[1]!),
    },
    { name: "unrelated", source: base, target: randomBytes(rng, size + 12_345) },
    {
      name: "repetitive",
      source: base.subarray(0, 1000),
      target: concat(new Uint8Array(size).fill(7), cut(0, 0.1), cut(0, 0.1), cut(0, 0.1)),
    },
  ];
}

/** Whether the xdelta3 binary can be run. */
export async function hasXdelta3(): Promise<boolean> {
  try {
    await run("xdelta3", ["-V"]);
    return true;
  } catch {
    return false;
  }
}

/** Encode with the xdelta3 binary: `xdelta3 -e -f <flags> -s source target`. */
export async function xdelta3Encode(
  source: Uint8Array,
  target: Uint8Array,
  flags: readonly string[],
  names: { source?: string; target?: string } = {},
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "dg-xdelta-test-"));
  try {
    const s = join(dir, names.source ?? "source.bin");
    const t = join(dir, names.target ?? "target.bin");
    const d = join(dir, "out.delta");
    await writeFile(s, source);
    await writeFile(t, target);
    await run("xdelta3", ["-e", "-f", ...flags, "-s", s, t, d], { cwd: dir });
    return new Uint8Array(await readFile(d));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Decode with the xdelta3 binary (reference output). */
export async function xdelta3Decode(source: Uint8Array, delta: Uint8Array): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "dg-xdelta-test-"));
  try {
    await writeFile(join(dir, "s"), source);
    await writeFile(join(dir, "d"), delta);
    await run("xdelta3", ["-d", "-f", "-s", join(dir, "s"), join(dir, "d"), join(dir, "o")]);
    return new Uint8Array(await readFile(join(dir, "o")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The bytes as a stream of chunks of `size` bytes (the last may be shorter). */
export async function* chunked(bytes: Uint8Array, size = 4096): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Run the decoder to the end and return the whole output. */
export async function decodeAll(
  source: Uint8Array,
  delta: Uint8Array,
  options?: DecodeVcdiffOptions,
  chunkSize = 4096,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of decodeVcdiff(
    createBufferSource(source),
    chunked(delta, chunkSize),
    options,
  )) {
    parts.push(part.slice());
  }
  return concat(...parts);
}
