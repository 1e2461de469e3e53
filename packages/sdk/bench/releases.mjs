// Seeded "release archives": version 0 is pseudo-random bytes (like a tar of compressed
// files); each later version rewrites some blocks (changed files), inserts new bytes (an added
// file) and drops a span (a removed file), more of them as versions go on. Written by
// streaming, never held whole in memory.
import { createCipheriv, createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, existsSync, openSync, readSync, closeSync, renameSync } from "node:fs";
import { join } from "node:path";

const CHUNK = 1 << 20;

/** A deterministic integer source (xorshift32) for offsets. */
function rng(seed) {
  let x = (seed * 2654435761) >>> 0 || 1;
  return (max) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % max;
  };
}

function keystream(seed) {
  const key = createHash("sha256").update(`dg-sdk-bench:${seed}`).digest();
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  return (n) => cipher.update(zeros.subarray(0, n));
}

async function writeSegments(path, segments, basePath) {
  const temporary = `${path}.tmp`;
  const out = createWriteStream(temporary);
  const fd = basePath === undefined ? undefined : openSync(basePath, "r");
  const buffer = Buffer.alloc(CHUNK);
  try {
    for (const segment of segments) {
      let left = segment.length;
      let at = segment.start ?? 0;
      const noise = segment.seed === undefined ? undefined : keystream(segment.seed);
      while (left > 0) {
        const n = Math.min(CHUNK, left);
        let chunk;
        if (noise) chunk = noise(n);
        else {
          readSync(fd, buffer, 0, n, at);
          chunk = Buffer.from(buffer.subarray(0, n));
        }
        if (!out.write(chunk)) await once(out, "drain");
        left -= n;
        at += n;
      }
    }
    out.end();
    await once(out, "finish");
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The segments of version `k` (k ≥ 1) of a base of `size` bytes. */
function versionSegments(k, size) {
  const next = rng(1000 + k);
  const edits = [];
  for (let i = 0; i < 8 * k; i++) {
    edits.push({ at: next(size - 65_536), kind: "rewrite", length: 4096 + next(28_672) });
  }
  edits.push({ at: next(size - 1_000_000), kind: "insert", length: 200_000 + next(100_000) });
  edits.push({ at: next(size - 1_000_000), kind: "drop", length: 50_000 + next(100_000) });
  edits.sort((a, b) => a.at - b.at);
  const segments = [];
  let at = 0;
  let seed = 0;
  for (const edit of edits) {
    if (edit.at < at) continue; // overlaps an earlier edit
    segments.push({ start: at, length: edit.at - at });
    if (edit.kind === "insert") {
      segments.push({ seed: `v${k}-${seed++}`, length: edit.length });
      at = edit.at;
    } else if (edit.kind === "rewrite") {
      segments.push({ seed: `v${k}-${seed++}`, length: edit.length });
      at = edit.at + edit.length;
    } else {
      at = edit.at + edit.length;
    }
  }
  segments.push({ start: at, length: size - at });
  return segments.filter((s) => s.length > 0);
}

/**
 * Make (or reuse) `count` versions of a `size`-byte archive in `dir`; returns their paths,
 * oldest first.
 */
export async function ensureReleases(dir, count, size) {
  const name = (k) => join(dir, `app-${size}-1.0.${k}.tar`);
  if (!existsSync(name(0))) await writeSegments(name(0), [{ seed: "base", length: size }]);
  for (let k = 1; k < count; k++) {
    if (!existsSync(name(k))) await writeSegments(name(k), versionSegments(k, size), name(0));
  }
  return Array.from({ length: count }, (_, k) => name(k));
}
