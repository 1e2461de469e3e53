// Several references per folder against one: stored bytes and upload time of the same series
// uploaded in order into a folder, once with the single reference of the Python tool's layout
// (maxReferences 1) and once with extra references (the default), on a local-directory store.
//   node packages/sdk/bench/references.mjs     (after a build; `pnpm bench references` does both)
// Series: a seeded drifting one (DG_BENCH_REFS_RELEASES releases, default 40, of
// DG_BENCH_REFS_MB MB, default 2, each changing about 3 % of the one before), and the real npm
// release corpus as tar, zip and tgz (skipped, saying how to fetch it, when absent). DG_BENCH_REFS_RATIOS
// (e.g. "0.1,0.2,0.3") also measures other new-reference ratios, to choose the default.
// Targets (issue 14): stored bytes <= 0.5x single-reference on the drift, no worse on the real
// corpus; upload time <= 1.2x.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { seededBytes, createRng } from "@dg/testkit";
import { loadNpmCorpus, FETCH_HINT } from "../../../tooling/bench/npm-corpus.mjs";
import { createClient } from "../dist/index.js";

const releases = Number(process.env.DG_BENCH_REFS_RELEASES ?? 40);
const sizeMb = Number(process.env.DG_BENCH_REFS_MB ?? 2);
const extraRatios = (process.env.DG_BENCH_REFS_RATIOS ?? "")
  .split(",")
  .filter((s) => s !== "")
  .map(Number);

const log = (line) => process.stdout.write(`${line}\n`);
const mb = (bytes) => (bytes / 1e6).toFixed(2);

/** Seeded releases, each with a few percent of the previous one rewritten in place. */
function driftSeries(work) {
  const size = Math.round(sizeMb * 1e6);
  const rng = createRng(14);
  let current = seededBytes("refs-drift-base", size);
  const files = [];
  for (let i = 0; i < releases; i++) {
    const path = join(work, `drift-${String(i).padStart(3, "0")}.tar`);
    writeFileSync(path, current);
    files.push(path);
    const next = current.slice();
    // About 3 % of the bytes, in runs of 256 to 4 KiB at random places.
    let changed = 0;
    let run = 0;
    while (changed < size * 0.03) {
      const length = rng.int(256, 4096);
      const at = rng.int(0, size - length);
      next.set(seededBytes(`refs-drift-${i}-${run++}`, length), at);
      changed += length;
    }
    current = next;
  }
  return files;
}

/** Upload `series` (folders of files, in order) with the given settings; stored bytes and time. */
async function uploadAll(series, settings) {
  const root = mkdtempSync(join(tmpdir(), "dg-refs-bench-store-"));
  const client = createClient({
    endpoint: pathToFileURL(root).href,
    cacheBackend: "memory",
    env: {},
    logger: { log() {} },
    ...settings,
  });
  try {
    await client.createBucket({ Bucket: "bench" });
    let seconds = 0;
    let references = 0;
    for (const { folder, files } of series) {
      for (const file of files) {
        const started = process.hrtime.bigint();
        const result = await client.uploadFile(file, { bucket: "bench", key: `${folder}/` });
        seconds += Number(process.hrtime.bigint() - started) / 1e9;
        if (result.storageType === "reference") references++;
      }
    }
    const stats = await client.getBucketStats("bench", { mode: "detailed" });
    if (stats.brokenDeltas > 0) throw new Error(`${stats.brokenDeltas} broken deltas`);
    return { stored: stats.storedBytes, original: stats.originalBytes, seconds, references };
  } finally {
    client.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Single reference, then several, then single again (alternated to share the machine's noise). */
async function compare(label, series) {
  const single1 = await uploadAll(series, { maxReferences: 1 });
  const several = await uploadAll(series, {});
  const single2 = await uploadAll(series, { maxReferences: 1 });
  const singleSeconds = (single1.seconds + single2.seconds) / 2;
  log(
    `\n${label}: ${series.reduce((n, s) => n + s.files.length, 0)} files, ${mb(several.original)} MB`,
  );
  log(
    `  one reference:      stored ${mb(single1.stored).padStart(9)} MB, upload ${singleSeconds.toFixed(1)} s`,
  );
  log(
    `  several references: stored ${mb(several.stored).padStart(9)} MB, upload ${several.seconds.toFixed(1)} s, ${several.references} references made`,
  );
  log(
    `  several / one:      stored ${(several.stored / single1.stored).toFixed(3)}x, upload time ${(several.seconds / singleSeconds).toFixed(2)}x`,
  );
  for (const ratio of extraRatios) {
    const other = await uploadAll(series, { newReferenceRatio: ratio });
    log(
      `  ratio ${ratio}: stored ${(other.stored / single1.stored).toFixed(3)}x of one reference, ${other.references} references, upload ${other.seconds.toFixed(1)} s`,
    );
  }
}

const work = mkdtempSync(join(tmpdir(), "dg-refs-bench-"));
try {
  log(`drift: ${releases} releases of ${sizeMb} MB, about 3 % changed each (seeded)`);
  await compare("seeded drifting series", [{ folder: "drift", files: driftSeries(work) }]);
  const corpus = loadNpmCorpus();
  if (corpus === undefined) log(`\nreal corpus skipped: ${FETCH_HINT}`);
  else {
    for (const container of ["tar", "zip", "tgz"]) {
      await compare(
        `real npm releases (${container})`,
        corpus.map((p) => ({ folder: p.slug, files: p.versions.map((v) => v[container]) })),
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
