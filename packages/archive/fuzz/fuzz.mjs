// A seeded mutation fuzz of deltas, plain VCDIFF and archive-aware (dg-archive) alike: each
// case damages a valid delta (bit flips, truncation, insertions, deletions, overwrites,
// corrupt varints, repeated or swapped blocks) and decodes it in a child process of its own
// (fuzz-child.mjs) with a timeout. A case fails when the child hangs, crashes, exceeds the
// memory bound, throws something other than the DgError family, or returns bytes other than
// the original file. Used by the test suite (a few hundred cases) and `pnpm bench fuzz`.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createRng, seededBytes } from "@dg/testkit";
import { createBufferSource, createBuiltinCodec } from "@dg/xdelta";
import { createArchiveCodec } from "../dist/index.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "fuzz-child.mjs");
/** The codes of the DgError family a damaged delta may end in. */
const EXPECTED_CODES = new Set(["INTEGRITY", "UNSUPPORTED"]);

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** Source text-like enough for deflate and deltas to find matches. */
function release(seed, size) {
  const rng = createRng(seed);
  const words = Array.from({ length: 64 }, (_, i) =>
    seededBytes(`word-${seed}-${i}`, rng.int(3, 12)),
  );
  const parts = [];
  let length = 0;
  while (length < size) {
    const word = words[rng.int(0, words.length - 1)];
    parts.push(word, Uint8Array.of(32));
    length += word.length + 1;
  }
  return Buffer.concat(parts).subarray(0, size);
}

/** A few edits: a replaced stretch, an insertion, a deletion. */
function edited(base, seed) {
  const rng = createRng(seed);
  const at = rng.int(0, base.length - 2000);
  const cut = rng.int(0, base.length - 1000);
  return Buffer.concat([
    base.subarray(0, at),
    seededBytes(`edit-${seed}`, rng.int(10, 400)),
    base.subarray(at + rng.int(0, 300), cut),
    base.subarray(cut + rng.int(0, 500)),
  ]);
}

async function encode(codec, source, target) {
  let format = "vcdiff";
  const chunks = [];
  const targetStream = (async function* () {
    yield target;
  })();
  const stream = codec.encode(createBufferSource(source), targetStream, {
    onFormat: (name) => {
      format = name;
    },
  });
  for await (const chunk of stream) chunks.push(chunk);
  return { delta: Buffer.concat(chunks), format };
}

/**
 * The valid deltas the cases damage: plain VCDIFF of binary-ish and text-ish pairs, and
 * archive-aware deltas of gzip pairs, all made by the codecs the SDK writes with.
 */
export async function makeBases(dir, tempDir) {
  const vcdiff = createBuiltinCodec();
  const archive = createArchiveCodec({ inner: vcdiff, tempDir });
  const pairs = [];
  const text = release(1, 300_000);
  pairs.push({ name: "vcdiff text", codec: vcdiff, source: text, target: edited(text, 2) });
  const binary = seededBytes("fuzz-binary", 200_000);
  pairs.push({ name: "vcdiff binary", codec: vcdiff, source: binary, target: edited(binary, 3) });
  const small = seededBytes("fuzz-small", 3_000);
  pairs.push({ name: "vcdiff small", codec: vcdiff, source: small, target: edited(small, 4) });
  const tarLike = release(5, 400_000);
  pairs.push({
    name: "archive gzip",
    codec: archive,
    source: gzipSync(tarLike, { level: 9 }),
    target: gzipSync(edited(tarLike, 6), { level: 9 }),
  });
  pairs.push({
    name: "archive gzip level 6",
    codec: archive,
    source: gzipSync(release(7, 250_000)),
    target: gzipSync(edited(release(7, 250_000), 8)),
  });
  const bases = [];
  for (const [index, pair] of pairs.entries()) {
    const { delta, format } = await encode(pair.codec, pair.source, pair.target);
    const sourcePath = join(dir, `base-${index}.source`);
    await writeFile(sourcePath, pair.source);
    bases.push({
      name: `${pair.name} (${format})`,
      format,
      sourcePath,
      delta,
      targetSha256: sha256(pair.target),
    });
  }
  if (!bases.some((base) => base.format.startsWith("dg-archive"))) {
    throw new Error("no base is an archive-aware delta: the fuzz would not cover them");
  }
  return bases;
}

/** The mutations: each takes a delta and a seeded rng and returns a damaged copy. */
export const MUTATIONS = {
  "bit flips": (d, rng) => {
    const m = Buffer.from(d);
    for (let i = rng.int(1, 4); i > 0; i--) m[rng.int(0, m.length - 1)] ^= 1 << rng.int(0, 7);
    return m;
  },
  "byte set": (d, rng) => {
    const m = Buffer.from(d);
    for (let i = rng.int(1, 3); i > 0; i--) m[rng.int(0, m.length - 1)] = rng.int(0, 255);
    return m;
  },
  truncation: (d, rng) => d.subarray(0, rng.int(0, d.length - 1)),
  insertion: (d, rng) => {
    const at = rng.int(0, d.length);
    return Buffer.concat([
      d.subarray(0, at),
      seededBytes(`ins-${at}`, rng.int(1, 16)),
      d.subarray(at),
    ]);
  },
  deletion: (d, rng) => {
    const at = rng.int(0, d.length - 1);
    return Buffer.concat([d.subarray(0, at), d.subarray(at + rng.int(1, 16))]);
  },
  "header varint": (d, rng) => {
    const m = Buffer.from(d);
    const at = rng.int(0, Math.min(m.length - 1, 64));
    m[at] = [0xff, 0x80, 0x7f, 0x00, 0xfe][rng.int(0, 4)];
    return m;
  },
  "block overwrite": (d, rng) => {
    const m = Buffer.from(d);
    const at = rng.int(0, m.length - 1);
    m.set(seededBytes(`over-${at}`, Math.min(rng.int(2, 64), m.length - at)), at);
    return m;
  },
  "block repeat": (d, rng) => {
    const at = rng.int(0, d.length - 1);
    const block = d.subarray(at, at + rng.int(1, 256));
    return Buffer.concat([d.subarray(0, at), block, d.subarray(at)]);
  },
  "block swap": (d, rng) => {
    const a = rng.int(0, d.length - 2);
    const b = rng.int(a + 1, d.length - 1);
    return Buffer.concat([d.subarray(0, a), d.subarray(b), d.subarray(a, b)]);
  },
};

/** Decode one delta in a child process; the verdict and what the child said. */
export function runCase({ sourcePath, deltaPath, tempDir, targetSha256, timeoutMs, maxRssBytes }) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        "--no-concurrent-recompilation",
        "--max-old-space-size=256",
        CHILD,
        sourcePath,
        deltaPath,
        tempDir,
      ],
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error?.killed)
          return resolve({ failure: "hang", detail: `no end within ${timeoutMs} ms` });
        let result;
        try {
          result = JSON.parse(stdout.trim().split("\n").pop() ?? "");
        } catch {
          return resolve({
            failure: "crash",
            detail: `exit ${error?.code ?? 0}: ${stderr.slice(-500)}`,
          });
        }
        if (result.maxRssBytes > maxRssBytes) {
          return resolve({
            failure: "memory",
            detail: `${result.maxRssBytes} bytes of RSS`,
            result,
          });
        }
        if (result.status === "ok" && result.sha256 !== targetSha256) {
          return resolve({
            failure: "wrong output",
            detail: `${result.size} bytes, sha256 ${result.sha256}`,
            result,
          });
        }
        if (result.status === "error" && !EXPECTED_CODES.has(result.code)) {
          return resolve({
            failure: "crash",
            detail: `${result.name} (${result.code}): ${result.message}`,
            result,
          });
        }
        resolve({ result });
      },
    );
  });
}

/**
 * Run `cases` seeded cases, `concurrency` children at a time. Resolves to the counts and the
 * failures (each with the mutation, the base, the seed and the delta's file kept for replay).
 */
export async function runFuzz({
  cases,
  seed = 1,
  concurrency = 2,
  timeoutMs = 30_000,
  maxRssBytes = 512 * 1024 * 1024,
  keepDir,
  onCase,
}) {
  const dir = await mkdtemp(join(tmpdir(), "dg-fuzz-"));
  const tempDir = join(dir, "tmp");
  await mkdir(tempDir);
  const counts = { cases: 0, errors: 0, intact: 0 };
  const failures = [];
  try {
    const bases = await makeBases(dir, tempDir);
    const names = Object.keys(MUTATIONS);
    let next = 0;
    const worker = async () => {
      while (next < cases) {
        const index = next++;
        const caseSeed = seed * 1_000_003 + index;
        const rng = createRng(caseSeed);
        const base = bases[index % bases.length];
        const mutation = names[rng.int(0, names.length - 1)];
        const delta = MUTATIONS[mutation](base.delta, rng);
        const deltaPath = join(dir, `case-${index}.delta`);
        await writeFile(deltaPath, delta);
        const verdict = await runCase({
          sourcePath: base.sourcePath,
          deltaPath,
          tempDir,
          targetSha256: base.targetSha256,
          timeoutMs,
          maxRssBytes,
        });
        counts.cases += 1;
        if (verdict.failure) {
          const kept = keepDir ? join(keepDir, `case-${caseSeed}.delta`) : undefined;
          if (kept) await writeFile(kept, delta);
          failures.push({
            seed: caseSeed,
            base: base.name,
            mutation,
            ...verdict,
            ...(kept ? { kept } : {}),
          });
        } else if (verdict.result.status === "ok") {
          counts.intact += 1;
        } else {
          counts.errors += 1;
        }
        await rm(deltaPath, { force: true });
        onCase?.(counts, failures);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Whatever a child left in its temporary folder is a leak of the decoder.
    const leftovers = await readdir(tempDir);
    return { counts, failures, leftovers, bases: bases.map((b) => b.name) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
