// `pnpm bench archive` part (b): a seeded jar-like pair of at least 256 MiB (thousands of
// entries, 5% of them edited, a few added and removed), in an Info-ZIP and a zlib variant:
// the archive-aware delta beside `xdelta3 -e -9` / `xdelta3 -d` on the same two files, each a
// whole process, run in turn (ours, xdelta3, ours, …); times as ratios of the medians, peak
// RSS of each process, sizes, and a byte-exact check of every rebuilt file.
//   node packages/archive/bench/jar-pair.mjs [--mb 256] [--entries 3000] [--rounds 3]
//                                            [--variants info-zip,zlib] [--data DIR]
// The pair is built once into DIR (default .bench-data/archive-jar/ at the repository root;
// Info-ZIP `zip` and python3 needed).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sha256OfFile } from "../../../tooling/bench/bench-util.mjs";
import { JAR_VARIANTS, jarPair } from "./jar-corpus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const { values } = parseArgs({
  strict: false,
  options: {
    mb: { type: "string", default: "256" },
    entries: { type: "string", default: "3000" },
    rounds: { type: "string", default: "3" },
    variants: { type: "string", default: JAR_VARIANTS.join(",") },
    data: { type: "string" },
  },
});
const mb = Number(values.mb);
const rounds = Number(values.rounds);
const dataDir = resolve(values.data ?? join(root, ".bench-data", "archive-jar"));
const hasTime = existsSync("/usr/bin/time");

function has(cmd, args) {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** Run a command as a whole process: wall seconds, peak RSS in MB, its stdout. */
function measure(cmd, args) {
  const work = mkdtempSync(join(tmpdir(), "dg-jar-bench-time-"));
  const rss = join(work, "rss");
  const [file, argv] = hasTime
    ? ["/usr/bin/time", ["-f", "%M", "-o", rss, cmd, ...args]]
    : [cmd, args];
  const started = performance.now();
  const result = spawnSync(file, argv, { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr}`);
  const peakKb = hasTime ? Number(readFileSync(rss, "utf8").trim().split("\n").at(-1)) : Number.NaN;
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakMb: peakKb / 1024, stdout: result.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const size = (path) => statSync(path).size;

if (!has("xdelta3", ["-V"])) {
  console.log("jar pair: skipped, xdelta3 is not installed (apt-get install xdelta3)");
  process.exit(0);
}
const variants = values.variants.split(",").filter((v) => {
  const tool = v === "info-zip" ? ["zip", ["-v"]] : ["python3", ["--version"]];
  if (has(...tool)) return true;
  console.log(`jar pair: ${v} skipped, ${tool[0]} is not installed`);
  return false;
});

const child = join(here, "jar-child.mjs");
const rows = [];
for (const variant of variants) {
  process.stderr.write(`jar pair (${variant}): building or reusing the corpus…\n`);
  const { v1, v2 } = jarPair(dataDir, variant, { mb, entries: Number(values.entries) });
  const expected = await sha256OfFile(v2);
  const work = mkdtempSync(join(tmpdir(), "dg-jar-bench-"));
  try {
    const runs = { encode: [], decode: [], xEncode: [], xDecode: [] };
    let report;
    for (let round = 0; round < rounds; round++) {
      process.stderr.write(`jar pair (${variant}): round ${round + 1}/${rounds}\n`);
      const ours = measure(process.execPath, [child, "encode", v1, v2, join(work, "ours.delta")]);
      report = JSON.parse(ours.stdout.trim().split("\n").at(-1)).report;
      runs.encode.push(ours);
      runs.xEncode.push(
        measure("xdelta3", ["-e", "-9", "-f", "-s", v1, v2, join(work, "x.delta")]),
      );
      runs.decode.push(
        measure(process.execPath, [
          child,
          "decode",
          v1,
          join(work, "ours.delta"),
          join(work, "ours.out"),
        ]),
      );
      runs.xDecode.push(
        measure("xdelta3", ["-d", "-f", "-s", v1, join(work, "x.delta"), join(work, "x.out")]),
      );
      for (const out of ["ours.out", "x.out"]) {
        if ((await sha256OfFile(join(work, out))) !== expected) {
          throw new Error(`${variant}: ${out} is not the target, byte for byte`);
        }
      }
    }
    const m = (list, key) => median(list.map((r) => r[key]));
    rows.push({
      variant,
      jarMb: size(v2) / 2 ** 20,
      ours: size(join(work, "ours.delta")),
      xdelta: size(join(work, "x.delta")),
      encode: m(runs.encode, "seconds"),
      xEncode: m(runs.xEncode, "seconds"),
      decode: m(runs.decode, "seconds"),
      xDecode: m(runs.xDecode, "seconds"),
      encodeRatio: median(runs.encode.map((r, i) => r.seconds / runs.xEncode[i].seconds)),
      decodeRatio: median(runs.decode.map((r, i) => r.seconds / runs.xDecode[i].seconds)),
      rss: [m(runs.encode, "peakMb"), m(runs.decode, "peakMb")],
      xRss: [m(runs.xEncode, "peakMb"), m(runs.xDecode, "peakMb")],
      report,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

console.log(`\njar pair: ${rounds} round(s), whole processes run in turn, medians`);
console.log(
  "| variant | jar MiB | delta ours / xdelta3 -9 (bytes) | encode s ours / xdelta3 -e -9 | ratio | decode s ours / xdelta3 -d | ratio | peak RSS MB enc / dec, ours | xdelta3 | streams copied / reproduced / kept | path |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
const f = (x, d = 2) => x.toFixed(d);
for (const r of rows) {
  const p = r.report ?? {};
  console.log(
    `| ${r.variant} | ${f(r.jarMb, 0)} | ${r.ours.toLocaleString("en")} / ${r.xdelta.toLocaleString("en")} | ${f(r.encode)} / ${f(r.xEncode)} | ${f(r.encodeRatio)}x | ${f(r.decode)} / ${f(r.xDecode)} | ${f(r.decodeRatio)}x | ${f(r.rss[0], 0)} / ${f(r.rss[1], 0)} | ${f(r.xRss[0], 0)} / ${f(r.xRss[1], 0)} | ${p.copiedStreams} / ${p.streams} / ${p.keptCompressed} | ${p.path} (${p.why}) |`,
  );
}
