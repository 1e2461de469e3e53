import { createRng } from "@dg/testkit";
import type { Rng } from "@dg/testkit";

/** A file of a synthetic release. */
export interface ReleaseFile {
  readonly name: string;
  readonly data: Uint8Array;
}

const KEYWORDS = ["const", "let", "function", "return", "if", "else", "for", "await", "export"];
const PUNCT = ["(", ")", "{", "}", ";", ",", ".", " = ", " => ", " + ", " === "];

function vocabulary(rng: Rng, size: number): string[] {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const words: string[] = [];
  for (let i = 0; i < size; i++) {
    let word = "";
    const length = rng.int(3, 10);
    for (let j = 0; j < length; j++) word += letters[rng.int(0, letters.length - 1)];
    if (rng.next() < 0.3) word += `${word.slice(0, 1).toUpperCase()}${word.slice(1, 4)}`;
    words.push(word);
  }
  return words;
}

function line(rng: Rng, words: readonly string[]): string {
  const indent = "  ".repeat(rng.int(0, 3));
  const parts: string[] = [];
  const count = rng.int(2, 9);
  for (let i = 0; i < count; i++) {
    parts.push(rng.next() < 0.2 ? rng.pick(KEYWORDS) : rng.pick(words));
    if (i < count - 1) parts.push(rng.next() < 0.5 ? " " : rng.pick(PUNCT));
  }
  return `${indent}${parts.join("")}${rng.next() < 0.6 ? ";" : ""}\n`;
}

/** Source-code-like text of about `size` bytes: compresses like real code (3-5x). */
export function sourceText(rng: Rng, words: readonly string[], size: number): string {
  let text = "";
  while (text.length < size) text += line(rng, words);
  return text;
}

/** Binary-ish bytes (a small asset): random runs with repeats, compresses a little. */
function binaryish(rng: Rng, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const run = rng.int(4, 64);
    if (rng.next() < 0.4 && at > 256) {
      const from = at - rng.int(1, 256);
      for (let i = 0; i < run && at < size; i++) out[at++] = out[from + i] ?? 0;
    } else {
      for (let i = 0; i < run && at < size; i++) out[at++] = rng.int(0, 255);
    }
  }
  return out;
}

export interface ReleaseOptions {
  readonly files?: number;
  readonly meanSize?: number;
}

/**
 * The first version of a seeded synthetic package: source files, a few binary-ish assets,
 * a package.json.
 */
export function firstRelease(seed: number, options: ReleaseOptions = {}): ReleaseFile[] {
  const rng = createRng(seed);
  const words = vocabulary(rng, 800);
  const files: ReleaseFile[] = [];
  const count = options.files ?? 60;
  const mean = options.meanSize ?? 6000;
  for (let i = 0; i < count; i++) {
    const size = rng.int(Math.floor(mean / 6), mean * 2);
    if (i % 17 === 16) {
      files.push({ name: `package/assets/blob${i}.bin`, data: binaryish(rng, size) });
    } else {
      const dir = rng.pick(["lib", "lib/util", "dist", "src", "src/core"]);
      const text = sourceText(rng, words, size);
      files.push({ name: `package/${dir}/${rng.pick(words)}${i}.js`, data: Buffer.from(text) });
    }
  }
  files.push({
    name: "package/package.json",
    data: Buffer.from(`{"name":"corpus-${seed}","version":"1.0.0"}\n`),
  });
  return files;
}

/**
 * The next version: about `changeRate` of the files edited (some lines replaced, some
 * inserted), one or two files added and removed, package.json bumped.
 */
export function nextRelease(
  previous: readonly ReleaseFile[],
  seed: number,
  changeRate = 0.1,
): ReleaseFile[] {
  const rng = createRng(seed);
  const words = vocabulary(createRng(seed * 7 + 1), 300);
  const out: ReleaseFile[] = [];
  for (const file of previous) {
    if (file.name.endsWith("package.json")) {
      out.push({ ...file, data: Buffer.from(`{"name":"corpus","version":"1.0.${seed}"}\n`) });
      continue;
    }
    if (rng.next() < 0.02) continue; // removed
    if (rng.next() >= changeRate || file.name.endsWith(".bin")) {
      out.push(file);
      continue;
    }
    const lines = Buffer.from(file.data).toString("utf8").split("\n");
    const edits = rng.int(1, 6);
    for (let e = 0; e < edits; e++) {
      const at = rng.int(0, lines.length - 1);
      const replacement = sourceText(rng, words, rng.int(20, 400)).trimEnd().split("\n");
      lines.splice(at, rng.int(0, 3), ...replacement);
    }
    out.push({ ...file, data: Buffer.from(lines.join("\n")) });
  }
  const added = rng.int(1, 2);
  for (let i = 0; i < added; i++) {
    out.splice(rng.int(0, out.length), 0, {
      name: `package/lib/added${seed}_${i}.js`,
      data: Buffer.from(sourceText(rng, words, rng.int(500, 8000))),
    });
  }
  return out;
}
