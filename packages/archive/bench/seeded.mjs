// Archive-aware deltas against raw deltas, per container format, on a seeded release corpus.
//   node packages/archive/bench/seeded.mjs [--files N] [--mean-size BYTES] [--versions N]
//                                       [--change-rate R] [--rebuild-rate R] [--large-mb N]
// (after a build; `pnpm bench archive -- --parts seeded` does both). DG_DELTA_ENGINE=xdelta3 uses the xdelta3
// binary as the inner codec instead of the built-in one. Every delta is against version 1,
// as DeltaGlider stores them; savings = 1 - delta size / file size. `--large-mb N` (or
// DG_BENCH_LARGE=1 for 1024) adds one pair of N MB tars, gzipped by Node's zlib and by GNU
// gzip, streamed through temporary files, with times and the process's peak RSS.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createXdeltaCodec, openFileSource } from "@dg/xdelta";
import { createArchiveCodec } from "../dist/index.js";
import { firstVersion, hasTool, nextVersion, packers, packTar } from "./corpus.mjs";

const { values } = parseArgs({
  strict: false,
  options: {
    files: { type: "string", default: "300" },
    "mean-size": { type: "string", default: "8000" },
    versions: { type: "string", default: "4" },
    "change-rate": { type: "string", default: "0.3" },
    "rebuild-rate": { type: "string", default: "0.08" },
    "large-mb": { type: "string", default: process.env.DG_BENCH_LARGE === "1" ? "1024" : "0" },
  },
});
const largeMb = Number(values["large-mb"]);
const fileCount = Number(values.files);
const meanSize = Number(values["mean-size"]);
const versionCount = Number(values.versions);
const changeRate = Number(values["change-rate"]);
const rebuildRate = Number(values["rebuild-rate"]);

const inner = createXdeltaCodec();
const scratch = mkdtempSync(join(tmpdir(), "dg-archive-bench-"));
let lastReport;
const archive = createArchiveCodec({
  inner,
  tempDir: scratch,
  onEncodeReport: (report) => {
    lastReport = report;
  },
});

async function* fileStream(path) {
  yield* createReadStream(path, { highWaterMark: 1024 * 1024 });
}

async function run(codec, refPath, targetPath) {
  const source = await openFileSource(refPath);
  try {
    lastReport = undefined;
    const formats = [];
    let started = performance.now();
    const chunks = [];
    for await (const chunk of codec.encode(source, fileStream(targetPath), {
      onFormat: (f) => formats.push(f),
    })) {
      chunks.push(Buffer.from(chunk));
    }
    const encodeMs = performance.now() - started;
    const delta = Buffer.concat(chunks);
    started = performance.now();
    const hash = createHash("sha256");
    async function* deltaStream() {
      yield delta;
    }
    for await (const chunk of codec.decode(source, deltaStream())) hash.update(chunk);
    const decodeMs = performance.now() - started;
    return {
      size: delta.length,
      encodeMs,
      decodeMs,
      sha: hash.digest("hex"),
      formats,
      report: lastReport,
    };
  } finally {
    await source.close();
  }
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

async function sha256OfFile(path) {
  const hash = createHash("sha256");
  for await (const chunk of fileStream(path)) hash.update(chunk);
  return hash.digest("hex");
}

/** A tar of about `mb` MB: the package repeated under r0/, r1/, … (streamed, never whole). */
async function* largeTar(files, mb) {
  const one = packTar(files).subarray(0, -1024);
  const copies = Math.max(1, Math.round((mb * 1e6) / one.length));
  for (let r = 0; r < copies; r++) {
    yield packTar(files.map((f) => ({ ...f, name: `r${r}/${f.name}` }))).subarray(0, -1024);
  }
  yield Buffer.alloc(1024);
}

async function large(mb) {
  const v1 = firstVersion(7, fileCount, meanSize);
  const v2 = nextVersion(v1, 700, changeRate, rebuildRate);
  const gzips = {
    "tgz (zlib -6)": (tar, out) =>
      pipeline(createReadStream(tar), createGzip({ level: 6 }), createWriteStream(out)),
  };
  if (hasTool("gzip")) {
    gzips["tgz (GNU gzip -6)"] = async (tar, out) => {
      const r = spawnSync("sh", ["-c", 'gzip -6 -n -c "$0" > "$1"', tar, out]);
      if (r.status !== 0) throw new Error(`gzip failed: ${r.stderr}`);
    };
  }
  const tars = [join(scratch, "L1.tar"), join(scratch, "L2.tar")];
  await pipeline(largeTar(v1, mb), createWriteStream(tars[0]));
  await pipeline(largeTar(v2, mb), createWriteStream(tars[1]));
  console.log("");
  console.log(`large pair: ${Math.round(statSync(tars[1]).size / 1e6)} MB tar`);
  console.log(
    "| format | size MB | raw savings | archive-aware savings | raw enc / dec s | aware enc / dec s |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  const rows = [["tar", ...tars]];
  for (const [format, gzip] of Object.entries(gzips)) {
    const paths = tars.map((t) => `${t}.${rows.length}.gz`);
    for (let i = 0; i < 2; i++) await gzip(tars[i], paths[i]);
    rows.push([format, ...paths]);
  }
  for (const [format, ref, target] of rows) {
    const expected = await sha256OfFile(target);
    const raw = await run(inner, ref, target);
    const aware = await run(archive, ref, target);
    if (raw.sha !== expected || aware.sha !== expected)
      throw new Error(`${format}: round trip failed`);
    const size = statSync(target).size;
    const s = (x) => (x / 1000).toFixed(1);
    console.log(
      `| ${format} | ${Math.round(size / 1e6)} | ${pct(1 - raw.size / size)} | ${pct(1 - aware.size / size)} | ${s(raw.encodeMs)} / ${s(raw.decodeMs)} | ${s(aware.encodeMs)} / ${s(aware.decodeMs)} |`,
    );
  }
  console.log(`peak RSS of the whole run: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const ms = (x) => `${Math.round(x)}`;

async function main() {
  const versions = [firstVersion(1, fileCount, meanSize)];
  for (let v = 1; v < versionCount; v++) {
    versions.push(nextVersion(versions[v - 1], 100 + v, changeRate, rebuildRate));
  }
  console.log(
    `corpus: ${fileCount} files of ~${meanSize} B, ${versionCount} versions; per version ~${pct(changeRate)} of files edited, ~${pct(rebuildRate)} regenerated; inner codec: ${inner.name}`,
  );
  const rows = [];
  for (const [format, pack] of Object.entries(packers())) {
    const paths = versions.map((files, v) => {
      const path = join(scratch, `v${v + 1}`);
      writeFileSync(path, pack(files, scratch));
      return path;
    });
    const totals = { size: 0, raw: 0, aware: 0, rawEnc: 0, rawDec: 0, awEnc: 0, awDec: 0, won: 0 };
    for (let v = 1; v < paths.length; v++) {
      const { readFileSync } = await import("node:fs");
      const target = readFileSync(paths[v]); // small corpus files; the large pair streams
      const expected = sha256(target);
      const raw = await run(inner, paths[0], paths[v]);
      const aware = await run(archive, paths[0], paths[v]);
      if (raw.sha !== expected || aware.sha !== expected)
        throw new Error(`${format}: round trip failed`);
      totals.size += target.length;
      totals.raw += raw.size;
      totals.aware += aware.size;
      totals.rawEnc += raw.encodeMs;
      totals.rawDec += raw.decodeMs;
      totals.awEnc += aware.encodeMs;
      totals.awDec += aware.decodeMs;
      if (aware.formats.length > 0) totals.won++;
    }
    const n = paths.length - 1;
    rows.push({ format, n, ...totals });
  }
  const tar = rows.find((r) => r.format === "tar");
  console.log("");
  console.log(
    "| format | avg size | raw savings | archive-aware savings | aware delta / tar delta | savings on the tar's size | archive deltas kept | raw enc / dec ms | aware enc / dec ms |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.format} | ${Math.round(r.size / r.n).toLocaleString("en")} | ${pct(1 - r.raw / r.size)} | ${pct(1 - r.aware / r.size)} | ${(r.aware / tar.raw).toFixed(2)}x | ${pct(1 - r.aware / tar.size)} | ${r.won}/${r.n} | ${ms(r.rawEnc / r.n)} / ${ms(r.rawDec / r.n)} | ${ms(r.awEnc / r.n)} / ${ms(r.awDec / r.n)} |`,
    );
  }
  console.log(
    "\n(savings on the tar's size = 1 - archive-aware delta / tar size: the same content measured on one scale; a compressed archive is smaller than its tar, so the same delta is a larger share of it)",
  );
  if (largeMb > 0) await large(largeMb);
}

try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
