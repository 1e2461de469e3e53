#!/usr/bin/env node
// The README's quick start: build sample release zips, store them with deltaglider in a local
// folder (the embedded file:// store), list them, show the savings, download one back and check
// its SHA-256. Every command is printed before it runs. Deterministic: same zips every time.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";

const cli = fileURLToPath(new URL("../dist/main.js", import.meta.url));
if (!existsSync(cli)) {
  console.error("deltaglider is not built yet: run `pnpm build` first.");
  process.exit(1);
}

/** Deterministic bytes: SHA-256 in counter mode over a seed. */
function seeded(seed, length) {
  const out = Buffer.alloc(length);
  for (let at = 0, block = 0; at < length; block += 1) {
    const digest = createHash("sha256").update(`${seed}:${block}`).digest();
    at += digest.copy(out, at);
  }
  return out;
}

/** Deterministic text that compresses like source code. */
function seededText(seed, lines) {
  const words = ["const", "return", "value", "release", "delta", "buffer", "index", "module"];
  const bytes = seeded(seed, lines * 8);
  const out = [];
  for (let line = 0; line < lines; line += 1) {
    const picks = Array.from({ length: 8 }, (_, i) => words[bytes[line * 8 + i] % words.length]);
    out.push(`${picks.join(" ")};`);
  }
  return Buffer.from(`${out.join("\n")}\n`);
}

/** A minimal zip (deflate, fixed timestamps) of [name, bytes] entries. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const dosTime = 0;
  const dosDate = ((2026 - 1980) << 9) | (1 << 5) | 1;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const packed = deflateRawSync(data, { level: 6 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

/** Version `minor` of the sample app: shared binaries, a few files changed per release. */
function release(minor) {
  const engine = Buffer.from(seeded("engine.so", 2_500_000));
  // Each release patches a few small regions of the binary.
  for (let patch = 0; patch <= minor; patch += 1) {
    seeded(`patch-${patch}`, 4096).copy(engine, 100_000 + patch * 400_000);
  }
  return zip([
    ["demo/VERSION", Buffer.from(`1.${minor}.0\n`)],
    ["demo/lib/engine.so", engine],
    ["demo/assets/logo.png", seeded("logo.png", 400_000)],
    ["demo/src/main.js", seededText(`main-${Math.min(minor, 2)}`, 20_000)],
    ["demo/src/util.js", seededText("util", 15_000)],
    ["demo/CHANGELOG.md", seededText(`changelog-${minor}`, 200 + minor * 50)],
  ]);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const work = mkdtempSync(join(tmpdir(), "deltaglider-demo-"));
const store = join(work, "store");
const dist = join(work, "dist");
const download = join(work, "download");
for (const dir of [store, dist, download]) mkdirSync(dir);
const endpoint = pathToFileURL(store).href;

function dg(...args) {
  console.log(`\n$ deltaglider ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [cli, "--endpoint-url", endpoint, ...args], {
    cwd: work,
    stdio: "inherit",
    env: { ...process.env, DG_DISABLE_EC2_DETECTION: "true" },
  });
  if (result.status !== 0) {
    console.error(`\nThe demo stopped: deltaglider exited with ${result.status}.`);
    process.exit(result.status ?? 1);
  }
}

console.log(`Working in ${work}`);
console.log(`Every command below runs with --endpoint-url ${endpoint}`);
console.log("(the embedded local-directory store: buckets are folders; no S3 account needed)");
const versions = [0, 1, 2, 3].map((minor) => {
  const path = join(dist, `demo-1.${minor}.0.zip`);
  writeFileSync(path, release(minor));
  return path;
});
console.log(`Made ${versions.length} sample releases of about 3.2 MB each in dist/`);

dg("mb", "s3://releases");
for (const path of versions) dg("cp", relative(work, path), "s3://releases/demo/");
dg("ls", "s3://releases/demo/", "--human-readable", "--summarize");
dg("stats", "releases");
const picked = versions[2];
dg("cp", "s3://releases/demo/demo-1.2.0.zip", "download/");

const original = sha256(readFileSync(picked));
const rebuilt = sha256(readFileSync(join(download, "demo-1.2.0.zip")));
if (original !== rebuilt) {
  console.error(`\nSHA-256 mismatch: ${original} != ${rebuilt}`);
  process.exit(1);
}
console.log(`\nsha256 of the download: ${rebuilt}`);
console.log("It matches the original demo-1.2.0.zip byte for byte.");
if (process.env.DEMO_KEEP) console.log(`Kept ${work}`);
else rmSync(work, { recursive: true, force: true });
