// Throughput of the encrypted filesystem cache: put, then sequential and random reads of one
// large entry, against a plain file read as the baseline. Run after `pnpm build`:
//   node bench/sequential-read.mjs [size in MB, default 200]
import { createCipheriv, createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFileSource } from "@dg/node";
import { createFsReferenceCache, createMemoryReferenceCache } from "../dist/index.js";

const size = Number(process.argv[2] ?? 200) * 1024 * 1024;
const MB = 1024 * 1024;

function* seeded(total, piece = MB) {
  // AES-CTR over zeros: fast deterministic bytes.
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 1), Buffer.alloc(16));
  const zeros = Buffer.alloc(piece);
  for (let left = total; left > 0; left -= piece)
    yield cipher.update(zeros.subarray(0, Math.min(piece, left)));
}

async function* stream(total) {
  yield* seeded(total);
}

function rate(bytes, ms) {
  return `${(bytes / MB / (ms / 1000)).toFixed(0)} MB/s`;
}

async function timed(label, bytes, fn) {
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(46)} ${rate(bytes, ms).padStart(10)}  (${ms.toFixed(0)} ms)`);
}

async function sequential(source, readSize) {
  const hash = createHash("sha256");
  for (let at = 0; at < source.size; at += readSize) hash.update(await source.read(at, readSize));
  return hash.digest("hex");
}

async function random(source, readSize, count) {
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    await source.read(state % Math.max(1, source.size - readSize), readSize);
  }
}

const dir = await mkdtemp(join(tmpdir(), "dg-cache-bench-"));
try {
  const hash = createHash("sha256");
  for (const piece of seeded(size)) hash.update(piece);
  const sha = hash.digest("hex");
  console.log(`entry: ${size / MB} MB, node ${process.version}`);

  const cache = createFsReferenceCache({ directory: dir, maxSizeBytes: 4 * size });
  await timed("fs cache put (hash + encrypt + write)", size, async () =>
    (await cache.put(sha, stream(size))).close(),
  );
  const source = await cache.get(sha);
  for (const readSize of [64 * 1024, 1000 * 1000, 4 * MB]) {
    await timed(`fs cache sequential read, ${readSize} B reads (+sha256)`, size, async () => {
      if ((await sequential(source, readSize)) !== sha) throw new Error("wrong bytes");
    });
  }
  await timed("fs cache random 64 KiB reads (2000)", 2000 * 64 * 1024, () =>
    random(source, 64 * 1024, 2000),
  );
  await source.close();

  const plainPath = join(dir, "plain.bin");
  await writeFile(plainPath, stream(size));
  const plain = await openFileSource(plainPath);
  await timed("baseline: plain file, 1 MB reads (+sha256)", size, () =>
    sequential(plain, 1000 * 1000),
  );
  await plain.close();

  const memory = createMemoryReferenceCache({ maxSizeBytes: 2 * size });
  await timed("memory cache put", size, async () => (await memory.put(sha, stream(size))).close());
  const inMemory = await memory.get(sha);
  await timed("memory cache sequential read, 1 MB reads (+sha256)", size, () =>
    sequential(inMemory, 1000 * 1000),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
