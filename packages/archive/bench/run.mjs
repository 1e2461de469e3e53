// Archive-aware deltas against raw deltas, per container format, on a seeded release corpus.
//   node packages/archive/bench/run.mjs [--files N] [--mean-size BYTES] [--versions N]
// (after a build; `pnpm bench archive` does both). DG_DELTA_ENGINE=xdelta3 uses the xdelta3
// binary as the inner codec instead of the built-in one. Every delta is against version 1,
// as DeltaGlider stores them; savings = 1 - delta size / file size.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createXdeltaCodec, openFileSource } from "@dg/xdelta";
import { createArchiveCodec } from "../dist/index.js";
import { firstVersion, nextVersion, packers } from "./corpus.mjs";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "300" },
    "mean-size": { type: "string", default: "8000" },
    versions: { type: "string", default: "4" },
    "change-rate": { type: "string", default: "0.08" },
  },
});
const fileCount = Number(values.files);
const meanSize = Number(values["mean-size"]);
const versionCount = Number(values.versions);
const changeRate = Number(values["change-rate"]);

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
  const { createReadStream } = await import("node:fs");
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

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const ms = (x) => `${Math.round(x)}`;

async function main() {
  const versions = [firstVersion(1, fileCount, meanSize)];
  for (let v = 1; v < versionCount; v++) {
    versions.push(nextVersion(versions[v - 1], 100 + v, changeRate));
  }
  console.log(
    `corpus: ${fileCount} files of ~${meanSize} B, ${versionCount} versions, ~${pct(changeRate)} of files edited per version; inner codec: ${inner.name}`,
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
      const target = readFileSync(paths[v]);
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
    "| format | avg size | raw savings | archive-aware savings | aware delta / tar delta | archive deltas kept | raw enc / dec ms | aware enc / dec ms |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.format} | ${Math.round(r.size / r.n).toLocaleString("en")} | ${pct(1 - r.raw / r.size)} | ${pct(1 - r.aware / r.size)} | ${(r.aware / tar.raw).toFixed(2)}x | ${r.won}/${r.n} | ${ms(r.rawEnc / r.n)} / ${ms(r.rawDec / r.n)} | ${ms(r.awEnc / r.n)} / ${ms(r.awDec / r.n)} |`,
    );
  }
}

try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
