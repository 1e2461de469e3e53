// Seeded benchmark corpus shaped like software releases: two versions of a project of a few
// hundred files (source text, compiled binaries, media, data), packed as tar and as zip.
// The new version edits, rebuilds, adds, removes and reorders some files.
import { createCipheriv, createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { writeTar, writeZip } from "./archive.mjs";

/** Bump when the generator changes, so cached files are rebuilt. */
export const CORPUS_VERSION = 1;

/** A small seeded PRNG (sfc32). */
export function createRng(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88;
  let c = 0xb7e15162 ^ (seed * 31);
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return {
    u32: next,
    float: () => next() / 4294967296,
    int: (min, max) => min + (next() % (max - min + 1)),
    pick: (items) => items[next() % items.length],
  };
}

/** `length` pseudo-random bytes from a seed (AES-CTR keystream: fast and seeded). */
function noise(seed, length) {
  const key = createHash("sha256").update(`noise:${seed}`).digest();
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(length));
}

const WORDS = `const let return function if else for while import export from class new this
async await yield throw try catch finally switch case break continue default typeof null
undefined true false value index buffer length offset source target window delta encode
decode stream chunk result error options config handler request response context state`
  .split(/\s+/)
  .filter(Boolean);

/** Shared material: a pool of code lines, identifiers and binary "instructions". */
function createPools(seed) {
  const rng = createRng(seed);
  const idents = [];
  for (let i = 0; i < 3000; i++) {
    let s = "";
    const parts = rng.int(1, 3);
    for (let p = 0; p < parts; p++) {
      const w = rng.pick(WORDS);
      s += p === 0 ? w : w[0].toUpperCase() + w.slice(1);
    }
    idents.push(s + (rng.float() < 0.2 ? String(rng.int(0, 99)) : ""));
  }
  const line = () => {
    const indent = "  ".repeat(rng.int(0, 4));
    const n = rng.int(2, 10);
    const tokens = [];
    for (let t = 0; t < n; t++) {
      const r = rng.float();
      tokens.push(
        r < 0.45
          ? rng.pick(idents)
          : r < 0.8
            ? rng.pick(WORDS)
            : r < 0.9
              ? String(rng.int(0, 4096))
              : rng.pick(["(", ")", "{", "}", "=", ";", ",", "=>", "+", "."]),
      );
    }
    return `${indent}${tokens.join(" ")}\n`;
  };
  const lines = [];
  for (let i = 0; i < 20000; i++) lines.push(Buffer.from(line()));
  const ops = [];
  for (let i = 0; i < 4000; i++) ops.push(noise(seed * 7919 + i, rng.int(1, 7)));
  return { lines, ops, newLine: line };
}

function textFile(rng, pools, size) {
  const parts = [];
  let total = 0;
  while (total < size) {
    // Runs of consecutive pool lines, like blocks of similar code.
    let at = rng.int(0, pools.lines.length - 1);
    const run = rng.int(1, 12);
    for (let i = 0; i < run && total < size; i++, at = (at + 1) % pools.lines.length) {
      const l = pools.lines[at];
      parts.push(l);
      total += l.length;
    }
  }
  return Buffer.concat(parts).subarray(0, size);
}

function binaryFile(rng, pools, size) {
  const out = Buffer.alloc(size);
  let at = 0;
  let address = rng.u32() & 0xffff00;
  while (at < size) {
    const op = pools.ops[rng.u32() % pools.ops.length];
    op.copy(out, at);
    at += op.length;
    if (rng.float() < 0.35 && at + 4 <= size) {
      address = (address + rng.int(0, 64)) >>> 0;
      out.writeUInt32LE(address, at);
      at += 4;
    }
    if (rng.float() < 0.002) {
      // A string table.
      const s = textFile(rng, pools, rng.int(64, 1024));
      s.copy(out, at);
      at += s.length;
    }
  }
  return out;
}

function dataFile(rng, size) {
  const parts = [];
  let total = 0;
  for (let id = rng.int(0, 1000); total < size; id++) {
    const rec = `{"id":${id},"name":"item-${rng.u32().toString(36)}","price":${rng.int(1, 99999) / 100},"tags":["${rng.pick(WORDS)}","${rng.pick(WORDS)}"],"stock":${rng.int(0, 500)}}\n`;
    parts.push(Buffer.from(rec));
    total += rec.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}

const KINDS = [
  { kind: "text", share: 0.35, ext: ".js", deflate: true },
  { kind: "binary", share: 0.3, ext: ".so", deflate: true },
  { kind: "media", share: 0.25, ext: ".png", deflate: false },
  { kind: "data", share: 0.1, ext: ".json", deflate: true },
];

function makeContent(rng, pools, kind, size, seed) {
  if (kind === "text") return textFile(rng, pools, size);
  if (kind === "binary") return binaryFile(rng, pools, size);
  if (kind === "data") return dataFile(rng, size);
  return noise(seed, size);
}

function fileSizes(rng, count, total) {
  const raw = [];
  for (let i = 0; i < count; i++) raw.push(Math.exp(rng.float() * Math.log(2000)));
  const sum = raw.reduce((s, v) => s + v, 0);
  return raw.map((v) => Math.max(200, Math.round((v / sum) * total)));
}

/** The first release: `count` files of about `total` bytes in all. */
function firstRelease(seed, total, count, pools) {
  const rng = createRng(seed);
  const sizes = fileSizes(rng, count, total);
  const files = [];
  for (let i = 0; i < count; i++) {
    let r = rng.float();
    let spec = KINDS[0];
    for (const k of KINDS) {
      if (r < k.share) {
        spec = k;
        break;
      }
      r -= k.share;
    }
    const name = `${rng.pick(["src", "lib", "assets", "data", "bin"])}/${rng.pick(pools.idents ?? WORDS)}${i}${spec.ext}`;
    files.push({
      name,
      kind: spec.kind,
      deflate: spec.deflate,
      mtime: 1_700_000_000 + rng.int(0, 1_000_000),
      data: makeContent(rng, pools, spec.kind, sizes[i], seed * 100_003 + i),
    });
  }
  return files;
}

function editText(rng, pools, data) {
  const lines = data.toString("latin1").split("\n");
  const edits = 1 + Math.floor(data.length / 20_000);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(0, Math.max(0, lines.length - 1));
    const inserted = [];
    for (let i = rng.int(0, 5); i > 0; i--) inserted.push(pools.newLine().slice(0, -1));
    lines.splice(at, rng.int(0, 5), ...inserted);
  }
  return Buffer.from(lines.join("\n"), "latin1");
}

function rebuildBinary(rng, pools, data) {
  // Code moved by a few insertions and deletions, and relocated addresses after them.
  const parts = [];
  let at = 0;
  const cuts = rng.int(1, 3);
  for (let c = 0; c < cuts; c++) {
    const next = Math.min(data.length, at + rng.int(0, Math.floor((data.length - at) / 2)));
    parts.push(data.subarray(at, next));
    if (rng.float() < 0.5) parts.push(binaryFile(rng, pools, rng.int(16, 4096)));
    at = Math.min(data.length, next + (rng.float() < 0.5 ? rng.int(0, 2048) : 0));
  }
  parts.push(data.subarray(at));
  const out = Buffer.concat(parts);
  const from = rng.int(0, Math.floor(out.length / 2));
  for (let p = from; p + 4 <= out.length; p += rng.int(64, 2048)) {
    out.writeUInt32LE((out.readUInt32LE(p) + 0x40) >>> 0, p);
  }
  return out;
}

/** The next release: edits, rebuilds, additions, removals, a few moved entries. */
function nextRelease(files, seed, pools) {
  const rng = createRng(seed);
  const out = [];
  const release = 1_710_000_000;
  for (const f of files) {
    const r = rng.float();
    if (r < 0.04) continue; // removed
    if (r < 0.16) {
      let data;
      if (f.kind === "text") data = editText(rng, pools, f.data);
      else if (f.kind === "binary") data = rebuildBinary(rng, pools, f.data);
      else if (f.kind === "data") data = Buffer.concat([f.data, dataFile(rng, rng.int(100, 5000))]);
      else data = noise(seed * 31 + out.length, f.data.length);
      out.push({ ...f, data, mtime: release + rng.int(0, 1000) });
    } else {
      out.push(f);
    }
  }
  const added = Math.max(1, Math.round(files.length * 0.04));
  for (let i = 0; i < added; i++) {
    const spec = rng.pick(KINDS);
    const size = rng.pick(out).data.length;
    out.splice(rng.int(0, out.length), 0, {
      name: `new/${rng.pick(WORDS)}${i}${spec.ext}`,
      kind: spec.kind,
      deflate: spec.deflate,
      mtime: release,
      data: makeContent(rng, pools, spec.kind, size, seed * 7 + i),
    });
  }
  const moves = Math.max(1, Math.round(out.length * 0.03));
  for (let i = 0; i < moves; i++) {
    const [moved] = out.splice(rng.int(0, out.length - 1), 1);
    out.splice(rng.int(0, out.length), 0, moved);
  }
  return out;
}

function writeArchive(path, format, files, prefix) {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, "w");
  const write = (bytes) => {
    writeSync(fd, bytes);
  };
  const entries = files.map((f) => ({ ...f, name: `${prefix}/${f.name}` }));
  if (format === "zip") writeZip(entries, write);
  else writeTar(entries, write);
  closeSync(fd);
  renameSync(temp, path);
}

/** The corpus sizes: name and total bytes of content. */
export const SIZES = [
  { label: "10M", total: 10_000_000, files: 300 },
  { label: "100M", total: 100_000_000, files: 400 },
  { label: "1G", total: 1_000_000_000, files: 500 },
];

/**
 * Make (or reuse from `dir`) the tar and zip pairs of one size. Returns [{ name, old, new }].
 */
export function ensurePairs(dir, size, log = () => {}) {
  mkdirSync(dir, { recursive: true });
  const pairs = ["tar", "zip"].map((format) => {
    const base = join(dir, `v${CORPUS_VERSION}-${format}-${size.label}`);
    return { name: `${format}-${size.label}`, format, old: `${base}.old`, new: `${base}.new` };
  });
  if (pairs.every((p) => existsSync(p.old) && existsSync(p.new))) return pairs;
  log(`generating the ${size.label} corpus in ${dir} ...`);
  const seed = 1000 + size.total / 1_000_000;
  const pools = createPools(seed);
  const v1 = firstRelease(seed, size.total, size.files, pools);
  const v2 = nextRelease(v1, seed + 1, pools);
  for (const p of pairs) {
    writeArchive(p.old, p.format, v1, "app-1.4.2");
    writeArchive(p.new, p.format, v2, "app-1.5.0");
  }
  return pairs;
}
