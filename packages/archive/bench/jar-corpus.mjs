// A seeded jar-like pair for `pnpm bench archive` part (b): thousands of entries (mostly small
// class-like files, a few large resources), the second version with 5% of the entries
// edited, a few added and a few removed; zipped by Info-ZIP `zip -6` ("info-zip", GNU
// deflate) and by Python's zipfile ("zlib", reference zlib, as Java's jar and most build tools
// write them). Built once into .bench-data/archive-jar/ (gitignored) and reused.
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { run, touchAll } from "../../../tooling/bench/bench-util.mjs";

/** xorshift128+ as two 32-bit halves: fast, seeded, the same on every machine. */
function createRandom(seed) {
  let a = seed >>> 0 || 0x9e3779b9;
  let b = (seed * 0x85ebca6b) >>> 0 || 0x27d4eb2f;
  return () => {
    let t = a ^ (a << 11);
    a = b;
    b = (b ^ (b >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    t = b;
    return t / 4294967296;
  };
}

/** A vocabulary of byte strings, as identifiers and constants in class files. */
function vocabulary(random, count) {
  const words = [];
  for (let i = 0; i < count; i++) {
    const length = 3 + Math.floor(random() * 14);
    const word = Buffer.alloc(length);
    for (let j = 0; j < length; j++) word[j] = 32 + Math.floor(random() * 95);
    words.push(word);
  }
  return words;
}

/** Class-file-like bytes: words from a skewed vocabulary, with some noise (compresses ~3x). */
function content(random, words, size) {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    if (random() < 0.08) {
      const n = Math.min(size - at, 2 + Math.floor(random() * 6));
      for (let i = 0; i < n; i++) out[at++] = Math.floor(random() * 256);
      continue;
    }
    const word = words[Math.floor(random() ** 3 * words.length)];
    const n = Math.min(size - at, word.length);
    word.copy(out, at, 0, n);
    at += n;
  }
  return out;
}

function entrySize(random, mean) {
  // Mostly small; one entry in a hundred is a large resource.
  if (random() < 0.01) return Math.floor(mean * (20 + random() * 80));
  return Math.max(64, Math.floor(mean * 0.1 + mean * 1.6 * random() ** 2));
}

const ZIPPERS = {
  "info-zip": (tree, names, out) => {
    const list = join(dirname(out), `${Date.now()}.list`);
    writeFileSync(list, `${names.join("\n")}\n`);
    run("sh", ["-c", 'cd "$1" && zip -q -X -6 "$2" -@ < "$3"', "sh", tree, out, list]);
    rmSync(list);
  },
  zlib: (tree, names, out) => {
    const script = `import sys, zipfile
tree, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for name in sys.stdin.read().split("\\n"):
        if name:
            z.write(tree + "/" + name, name)`;
    run("python3", ["-c", script, tree, out], { input: names.join("\n") });
  },
};

/**
 * The pair of `variant`, built if missing. Returns { v1, v2, entries, changed } with v1/v2
 * paths. `mb`: compressed size of each jar, at least; `entries`: entries of the first version.
 */
export function jarPair(dataDir, variant, { mb = 256, entries = 3000, seed = 11 } = {}) {
  const dir = join(dataDir, `${variant}-${mb}mb-${entries}e-s${seed}`);
  const v1 = join(dir, "v1.jar");
  const v2 = join(dir, "v2.jar");
  if (existsSync(v1) && existsSync(v2)) return { v1, v2 };
  mkdirSync(dir, { recursive: true });
  const random = createRandom(seed);
  const words = vocabulary(random, 6000);
  // How much the content compresses, to size the entries for `mb` of compressed jar.
  const sample = content(random, words, 4 << 20);
  const ratio = sample.length / deflateRawSync(sample, { level: 6 }).length;
  const mean = Math.ceil(((mb * 1.1 * 2 ** 20 * ratio) / entries) * 0.85);

  const trees = join(dir, "trees");
  rmSync(trees, { recursive: true, force: true });
  const t1 = join(trees, "v1");
  const t2 = join(trees, "v2");
  const names = [];
  for (let i = 0; i < entries; i++) {
    const pkg = `com/example/m${i % 40}/p${Math.floor(i / 40) % 25}`;
    const name = i % 100 === 99 ? `resources/r${i}.dat` : `${pkg}/C${i}.class`;
    const path = join(t1, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content(random, words, entrySize(random, mean)));
    names.push(name);
  }
  // Version 2: every file hard-linked, then 5% edited (replaced), five removed, five added.
  const names2 = [];
  const editRandom = createRandom(seed + 1);
  for (const name of names) {
    const roll = editRandom();
    if (roll < 5 / entries) continue;
    const from = join(t1, name);
    const to = join(t2, name);
    mkdirSync(dirname(to), { recursive: true });
    if (roll < 0.05 + 5 / entries) {
      const original = readFileSync(from);
      const at = Math.floor(editRandom() * original.length);
      const insert = content(editRandom, words, 20 + Math.floor(editRandom() * 400));
      writeFileSync(to, Buffer.concat([original.subarray(0, at), insert, original.subarray(at)]));
    } else {
      linkSync(from, to);
    }
    names2.push(name);
  }
  for (let i = 0; i < 5; i++) {
    const name = `com/example/added/A${i}.class`;
    mkdirSync(join(t2, dirname(name)), { recursive: true });
    writeFileSync(join(t2, name), content(editRandom, words, entrySize(editRandom, mean)));
    names2.splice(Math.floor(editRandom() * names2.length), 0, name);
  }
  const when = new Date("2025-01-01T00:00:00Z");
  touchAll(t1, when);
  touchAll(t2, when);
  ZIPPERS[variant](t1, names, `${v1}.part`);
  ZIPPERS[variant](t2, names2, `${v2}.part`);
  renameSync(`${v1}.part`, v1);
  renameSync(`${v2}.part`, v2);
  rmSync(trees, { recursive: true, force: true });
  return { v1, v2 };
}

export const JAR_VARIANTS = Object.keys(ZIPPERS);

export function fileSize(path) {
  return statSync(path).size;
}
