// Seeded release-like corpus for the archive benchmark: a package of a few hundred files
// (source-like text from a seeded vocabulary, some binary-ish assets), and later versions that
// edit, add and remove files. Packed as tar, tgz (Node's zlib -9, as npm does), zip (Node's zlib
// -6 per entry), and, when the tools exist, GNU `gzip -9`, Info-ZIP `zip -6` and the JDK's `jar`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { crc32, deflateRawSync, gzipSync } from "node:zlib";

/** mulberry32: a tiny seeded PRNG. */
export function createRng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

const KEYWORDS = ["const", "let", "function", "return", "if", "else", "for", "await", "export"];
const PUNCT = ["(", ")", "{", "}", ";", ",", ".", " = ", " => ", " + ", " === ", ": "];

function vocabulary(rng, size) {
  const words = [];
  for (let i = 0; i < size; i++) {
    let word = "";
    const length = rng.int(3, 11);
    for (let j = 0; j < length; j++) word += String.fromCharCode(97 + rng.int(0, 25));
    if (rng.next() < 0.3) word += word[0].toUpperCase() + word.slice(1, 4);
    words.push(word);
  }
  return words;
}

function sourceText(rng, words, size) {
  const lines = [];
  let length = 0;
  while (length < size) {
    const parts = [];
    const count = rng.int(2, 9);
    for (let i = 0; i < count; i++) {
      parts.push(rng.next() < 0.2 ? rng.pick(KEYWORDS) : rng.pick(words));
      if (i < count - 1) parts.push(rng.next() < 0.5 ? " " : rng.pick(PUNCT));
    }
    const line = `${"  ".repeat(rng.int(0, 3))}${parts.join("")}${rng.next() < 0.6 ? ";" : ""}`;
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

function binaryish(rng, size) {
  const out = Buffer.alloc(size);
  let at = 0;
  while (at < size) {
    const run = rng.int(4, 64);
    if (rng.next() < 0.4 && at > 256) {
      const from = at - rng.int(1, 256);
      for (let i = 0; i < run && at < size; i++) out[at++] = out[from + i];
    } else {
      for (let i = 0; i < run && at < size; i++) out[at++] = rng.int(0, 255);
    }
  }
  return out;
}

/** Version 1: `files` files of about `meanSize` bytes. */
export function firstVersion(seed, files, meanSize) {
  const rng = createRng(seed);
  const words = vocabulary(rng, 1500);
  const out = [];
  for (let i = 0; i < files; i++) {
    const size = rng.int(Math.floor(meanSize / 8), meanSize * 2);
    if (i % 23 === 22) out.push({ name: `package/assets/img${i}.bin`, data: binaryish(rng, size) });
    else {
      const dir = rng.pick(["lib", "lib/util", "dist", "dist/esm", "src", "src/core", "types"]);
      out.push({
        name: `package/${dir}/${rng.pick(words)}${i}.js`,
        data: Buffer.from(sourceText(rng, words, size)),
      });
    }
  }
  out.push({
    name: "package/package.json",
    data: Buffer.from('{"name":"bench","version":"1.0.0"}\n'),
  });
  return out;
}

/**
 * The next version: `changeRate` of the files edited (a few lines replaced or inserted),
 * `rebuildRate` regenerated whole (as bundles and generated files are), a few removed and
 * added, package.json bumped.
 */
export function nextVersion(previous, seed, changeRate, rebuildRate = 0) {
  const rng = createRng(seed);
  const words = vocabulary(createRng(seed * 31 + 7), 400);
  const out = [];
  for (const file of previous) {
    if (file.name.endsWith("package.json")) {
      out.push({ ...file, data: Buffer.from(`{"name":"bench","version":"1.0.${seed}"}\n`) });
    } else if (rng.next() < 0.01) {
      // removed
    } else if (rng.next() < rebuildRate && !file.name.endsWith(".bin")) {
      out.push({ ...file, data: Buffer.from(sourceText(rng, words, file.data.length)) });
    } else if (rng.next() >= changeRate || file.name.endsWith(".bin")) {
      out.push(file);
    } else {
      const lines = file.data.toString("utf8").split("\n");
      const edits = rng.int(1, 5);
      for (let e = 0; e < edits; e++) {
        const replacement = sourceText(rng, words, rng.int(30, 500)).trimEnd().split("\n");
        lines.splice(rng.int(0, lines.length - 1), rng.int(0, 3), ...replacement);
      }
      out.push({ ...file, data: Buffer.from(lines.join("\n")) });
    }
  }
  for (let i = rng.int(1, 3); i > 0; i--) {
    out.splice(rng.int(0, out.length), 0, {
      name: `package/lib/new${seed}_${i}.js`,
      data: Buffer.from(sourceText(rng, words, rng.int(500, 12000))),
    });
  }
  return out;
}

function octal(value, width) {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** ustar, as `npm pack` lays a package out. */
export function packTar(files) {
  const parts = [];
  for (const { name, data } of files) {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, "ascii");
    header.write(octal(0o644, 8), 100, "ascii");
    header.write(octal(0, 8), 108, "ascii");
    header.write(octal(0, 8), 116, "ascii");
    header.write(octal(data.length, 12), 124, "ascii");
    header.write(octal(499162500, 12), 136, "ascii");
    header.write("        ", 148, "ascii");
    header.write("0", 156, "ascii");
    header.write("ustar\u000000", 257, "ascii");
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A zip with each entry deflated by zlib at `level` (what most zlib-based writers do). */
export function packZip(files, level = 6) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name);
    const body = deflateRawSync(data, { level });
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x5800, 12);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(0x031e, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0x5800, 14);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    parts.push(local, nameBytes, body);
    offset += 30 + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

export function hasTool(name, args = ["--version"]) {
  return spawnSync(name, args, { stdio: "ignore" }).status === 0;
}

/** Write `files` under `dir` (for the external tools). */
function materialise(files, dir) {
  for (const { name, data } of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}

/** The packers of the benchmark: name -> (files, scratchDir) => Buffer. */
export function packers() {
  const list = {
    tar: (files) => packTar(files),
    "tgz (zlib -9)": (files) => gzipSync(packTar(files), { level: 9 }),
    "zip (zlib -6)": (files) => packZip(files, 6),
  };
  if (hasTool("gzip")) {
    list["tgz (GNU gzip -9)"] = (files) =>
      spawnSync("gzip", ["-9", "-n", "-c"], { input: packTar(files), maxBuffer: 2 ** 30 }).stdout;
  }
  if (hasTool("zip", ["-v"])) {
    list["zip (Info-ZIP -6)"] = (files, scratch) => {
      const dir = mkdtempSync(join(scratch, "zip-"));
      try {
        materialise(files, dir);
        const r = spawnSync("zip", ["-q", "-X", "-6", "-r", "out.zip", "package"], { cwd: dir });
        if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
        return readFileSync(join(dir, "out.zip"));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  if (hasTool("jar", ["--version"])) {
    list["jar (JDK jar)"] = (files, scratch) => {
      const dir = mkdtempSync(join(scratch, "jar-"));
      try {
        materialise(files, dir);
        const r = spawnSync("jar", ["cf", "out.jar", "package"], { cwd: dir });
        if (r.status !== 0) throw new Error(`jar failed: ${r.stderr}`);
        return readFileSync(join(dir, "out.jar"));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  return list;
}
