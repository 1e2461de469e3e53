// The codec benchmark: our VCDIFF encoder/decoder and our dgd format beside `xdelta3 -9`,
// `zstd -19 --long=31 --patch-from` and `bsdiff`, on real release pairs and seeded ones.
//   node packages/xdelta/bench/run.mjs [filter]   (after a build; `pnpm bench xdelta` does both)
// Pairs: the npm release corpus (tooling/bench/npm-corpus.mjs, fetched once into
// .bench-data/npm-corpus), each package's .tar of every version against its first; plus the
// seeded archive pairs of ./corpus.mjs with DG_BENCH_SYNTHETIC=1 (10 and 100 MB; the 1 GB ones
// too with DG_BENCH_LARGE=1), and DG_BENCH_PAIRS_DIR=dir: every dir/<name>.old with a
// dir/<name>.new beside it. DG_BENCH_DATA=dir moves the seeded corpus cache; DG_BENCH_RUNS=n
// takes the best of n runs of every measurement (default 1); DG_BENCH_TOOLS=a,b picks the
// tools (default all: vcdiff,dgd,xdelta3,zstd,bsdiff). A filter argument keeps only the pairs
// whose name contains it.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FETCH_HINT, loadNpmCorpus } from "../../../tooling/bench/npm-corpus.mjs";
import { SIZES, ensurePairs } from "./corpus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const dataDir = resolve(process.env.DG_BENCH_DATA ?? join(repoRoot, ".bench-data"), "xdelta");
const childScript = join(here, "child.mjs");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
/** bsdiff needs about 17 times the old file in memory: not above this. */
const BSDIFF_MAX_BYTES = 200_000_000;

function log(line) {
  process.stderr.write(`${line}\n`);
}

/** Run a command; resolves to { ms, maxRssKb, stdout }. */
function measure(command, args) {
  return new Promise((resolvePromise, reject) => {
    const wrapped =
      TIME === undefined ? [command, args] : [TIME, ["-f", "@@rss %M", command, ...args]];
    const started = performance.now();
    const child = spawn(wrapped[0], wrapped[1], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      const match = /@@rss (\d+)/.exec(stderr);
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(" ")} failed (${code}): ${stderr.trim()}`));
        return;
      }
      resolvePromise({ ms, maxRssKb: match ? Number(match[1]) : undefined, stdout });
    });
  });
}

async function sha256(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}

/** Best (least wall time) of `runs` runs; `innerMs` is the least in-process time of ours. */
async function best(runs, fn) {
  let result;
  let innerMs;
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    if (r.child !== undefined && (innerMs === undefined || r.child.ms < innerMs)) {
      innerMs = r.child.ms;
    }
    if (result === undefined || r.ms < result.ms) {
      result = { ...r, maxRssKb: r.child?.maxRssKb ?? r.maxRssKb ?? result?.maxRssKb };
    }
  }
  return { ...result, innerMs };
}

function runsFor() {
  const fromEnv = Number(process.env.DG_BENCH_RUNS);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : 1;
}

const ours = (format) => ({
  encode: (old, target, delta) => ["node-child", ["encode", old, target, delta, format]],
  decode: (old, delta, out) => ["node-child", ["decode", old, delta, out, format]],
});

/** The tools compared, each an encode and a decode command. */
const TOOLS = [
  { name: "vcdiff", label: "ours VCDIFF", ...ours("vcdiff") },
  { name: "dgd", label: "ours dgd", ...ours("dgd") },
  {
    name: "xdelta3",
    label: "xdelta3 -9",
    encode: (old, target, delta) => ["xdelta3", ["-e", "-9", "-f", "-s", old, target, delta]],
    decode: (old, delta, out) => ["xdelta3", ["-d", "-f", "-s", old, delta, out]],
  },
  {
    name: "zstd",
    label: "zstd -19 --long=31",
    encode: (old, target, delta) => [
      "zstd",
      ["-q", "-f", "-19", "--long=31", `--patch-from=${old}`, target, "-o", delta],
    ],
    decode: (old, delta, out) => [
      "zstd",
      ["-q", "-f", "-d", "--long=31", `--patch-from=${old}`, delta, "-o", out],
    ],
  },
  {
    name: "bsdiff",
    label: "bsdiff",
    encode: (old, target, delta) => ["bsdiff", [old, target, delta]],
    decode: (old, delta, out) => ["bspatch", [old, out, delta]],
    maxBytes: BSDIFF_MAX_BYTES,
  },
];

async function run([command, args]) {
  if (command !== "node-child") return measure(command, args);
  const r = await measure(process.execPath, [childScript, ...args]);
  return { ...r, child: JSON.parse(r.stdout) };
}

async function benchPair(pair, tools, work) {
  const size = statSync(pair.new).size;
  const runs = runsFor();
  const want = await sha256(pair.new);
  const result = { name: pair.name, size, tools: {} };
  for (const tool of tools) {
    if (tool.maxBytes !== undefined && Math.max(size, statSync(pair.old).size) > tool.maxBytes) {
      continue;
    }
    const delta = join(work, `${pair.name}.${tool.name}`);
    const out = join(work, `${pair.name}.${tool.name}.out`);
    const enc = await best(runs, () => run(tool.encode(pair.old, pair.new, delta)));
    const dec = await best(runs, () => run(tool.decode(pair.old, delta, out)));
    result.tools[tool.name] = {
      bytes: statSync(delta).size,
      encMs: enc.ms,
      encInnerMs: enc.innerMs,
      decMs: dec.ms,
      decInnerMs: dec.innerMs,
      encRssKb: enc.maxRssKb,
      decRssKb: dec.maxRssKb,
      ok: (await sha256(out)) === want,
    };
    rmSync(delta, { force: true });
    rmSync(out, { force: true });
  }
  return result;
}

const mb = (bytes) => (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1);
const sec = (ms) => (ms === undefined ? "-" : (ms / 1000).toFixed(2));
const ratio = (a, b) => (a === undefined || b === undefined || !(b > 0) ? "-" : (a / b).toFixed(2));
const rss = (kb) => (kb === undefined ? "-" : `${Math.round(kb / 1024)}`);

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** Sum of `key` over the results where every named tool ran (so sums compare alike). */
function sums(results, names, key) {
  const kept = results.filter((r) => names.every((n) => r.tools[n] !== undefined));
  const total = (name) => kept.reduce((s, r) => s + (r.tools[name]?.[key] ?? 0), 0);
  return { kept, total };
}

function printTables(results, tools) {
  const names = tools.map((t) => t.name);
  const has = (n) => names.includes(n);
  const tool = (r, n) => r.tools[n];
  console.log("\nDelta sizes, bytes (dgd ratios: to bsdiff, to zstd, to the better of the two)");
  const sizeHeader = ["pair", "new MB", ...tools.map((t) => t.label)];
  if (has("dgd")) sizeHeader.push("dgd/bsdiff", "dgd/zstd", "dgd/best");
  const betterOf = (r) => {
    const b = tool(r, "bsdiff")?.bytes;
    const z = tool(r, "zstd")?.bytes;
    if (b === undefined) return z;
    if (z === undefined) return b;
    return Math.min(b, z);
  };
  const sizeRows = results.map((r) => {
    const row = [r.name, mb(r.size), ...names.map((n) => String(tool(r, n)?.bytes ?? "-"))];
    if (has("dgd")) {
      const d = tool(r, "dgd")?.bytes;
      row.push(
        ratio(d, tool(r, "bsdiff")?.bytes),
        ratio(d, tool(r, "zstd")?.bytes),
        ratio(d, betterOf(r)),
      );
    }
    return row;
  });
  const { kept, total } = sums(results, names, "bytes");
  const sumRow = [
    `SUM (${kept.length} pairs)`,
    mb(kept.reduce((s, r) => s + r.size, 0)),
    ...names.map((n) => String(total(n))),
  ];
  if (has("dgd")) {
    sumRow.push(
      ratio(total("dgd"), total("bsdiff")),
      ratio(total("dgd"), total("zstd")),
      ratio(
        total("dgd"),
        kept.reduce((s, r) => s + (betterOf(r) ?? 0), 0),
      ),
    );
  }
  sizeRows.push(sumRow);
  table(sizeHeader, sizeRows);

  console.log(
    "\nEncode / decode wall seconds (whole processes, best of the runs); in-proc = inside our node",
  );
  console.log("process after module loading; ratios are dgd's time over xdelta3 -9's");
  const timeHeader = ["pair"];
  for (const t of tools) timeHeader.push(`${t.name} enc`, `${t.name} dec`);
  if (has("dgd")) timeHeader.push("dgd in-proc enc/dec", "dgd/xd3 enc", "dgd/xd3 dec");
  const timeRows = results.map((r) => {
    const row = [r.name];
    for (const n of names) row.push(sec(tool(r, n)?.encMs), sec(tool(r, n)?.decMs));
    if (has("dgd")) {
      const d = tool(r, "dgd");
      const x = tool(r, "xdelta3");
      row.push(
        `${sec(d?.encInnerMs)}/${sec(d?.decInnerMs)}`,
        ratio(d?.encMs, x?.encMs),
        ratio(d?.decMs, x?.decMs),
      );
    }
    return row;
  });
  const sumOf = (n, key) => kept.reduce((s, r) => s + (r.tools[n]?.[key] ?? 0), 0);
  const timeSum = [`SUM (${kept.length} pairs)`];
  for (const n of names) timeSum.push(sec(sumOf(n, "encMs")), sec(sumOf(n, "decMs")));
  if (has("dgd")) {
    timeSum.push(
      `${sec(sumOf("dgd", "encInnerMs"))}/${sec(sumOf("dgd", "decInnerMs"))}`,
      ratio(sumOf("dgd", "encMs"), sumOf("xdelta3", "encMs")),
      ratio(sumOf("dgd", "decMs"), sumOf("xdelta3", "decMs")),
    );
  }
  timeRows.push(timeSum);
  table(timeHeader, timeRows);

  console.log("\nPeak RSS, MB, encode/decode");
  const rssRows = results.map((r) => [
    r.name,
    ...names.map((n) => {
      const t = tool(r, n);
      return t === undefined ? "-" : `${rss(t.encRssKb)}/${rss(t.decRssKb)}`;
    }),
    names.every((n) => tool(r, n) === undefined || tool(r, n).ok) ? "yes" : "NO",
  ]);
  table(["pair", ...tools.map((t) => t.label), "all decoded exactly"], rssRows);

  if (has("dgd") && has("bsdiff") && has("zstd") && kept.length > 0) {
    const worst = kept.reduce(
      (w, r) => {
        const q = tool(r, "dgd").bytes / betterOf(r);
        return q > w.q ? { q, name: r.name } : w;
      },
      { q: 0, name: "" },
    );
    const enc = sumOf("dgd", "encMs") / sumOf("xdelta3", "encMs");
    const yes = (ok) => (ok ? "met" : "NOT met");
    console.log("\nTargets (issue #15, dgd):");
    console.log(
      `  size sum <= 1.0x bsdiff: ${ratio(total("dgd"), total("bsdiff"))} ${yes(total("dgd") <= total("bsdiff"))}`,
    );
    console.log(
      `  size sum <= 1.0x zstd -19: ${ratio(total("dgd"), total("zstd"))} ${yes(total("dgd") <= total("zstd"))}`,
    );
    console.log(
      `  no pair over 1.2x the better of the two: worst ${worst.q.toFixed(2)} (${worst.name}) ${yes(worst.q <= 1.2)}`,
    );
    console.log(`  encode time sum <= 1.0x xdelta3 -e -9: ${enc.toFixed(2)} ${yes(enc <= 1)}`);
  }
}

async function main() {
  const only = process.argv[2];
  const wanted = (process.env.DG_BENCH_TOOLS ?? "vcdiff,dgd,xdelta3,zstd,bsdiff").split(",");
  const tools = [];
  for (const t of TOOLS.filter((t) => wanted.includes(t.name))) {
    const binary = t.encode("a", "b", "c")[0];
    if (binary !== "node-child" && spawnSync(binary, ["-h"]).error) {
      log(`${binary} is not installed (apt-get install ${binary}): left out.`);
      continue;
    }
    tools.push(t);
  }
  if (!existsSync(join(here, "../dist/index.js"))) {
    log("build @dg/xdelta first (pnpm --filter @dg/xdelta build)");
    process.exitCode = 1;
    return;
  }
  const pairs = [];
  const corpus = loadNpmCorpus();
  if (corpus === undefined) log(`${FETCH_HINT}; only the other pairs run.`);
  for (const pkg of corpus ?? []) {
    const [first, ...rest] = pkg.versions;
    for (const v of rest) {
      pairs.push({
        name: `${pkg.slug}-${first.version}-${v.version}`,
        old: first.tar,
        new: v.tar,
      });
    }
  }
  if (process.env.DG_BENCH_SYNTHETIC === "1") {
    const sizes = SIZES.filter((s) => s.label !== "1G" || process.env.DG_BENCH_LARGE === "1");
    for (const size of sizes) pairs.push(...ensurePairs(dataDir, size, log));
  }
  const realDir = process.env.DG_BENCH_PAIRS_DIR;
  if (realDir) {
    for (const f of readdirSync(realDir).sort()) {
      if (!f.endsWith(".old")) continue;
      const name = f.slice(0, -4);
      if (existsSync(join(realDir, `${name}.new`))) {
        pairs.push({ name, old: join(realDir, f), new: join(realDir, `${name}.new`) });
      }
    }
  }
  const work = mkdtempSync(join(tmpdir(), "dg-xdelta-bench-"));
  const results = [];
  try {
    for (const pair of pairs) {
      if (only !== undefined && !pair.name.includes(only)) continue;
      log(`${pair.name} ...`);
      results.push(await benchPair(pair, tools, work));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (results.length === 0) {
    log("no pairs to run");
    process.exitCode = 1;
    return;
  }
  printTables(results, tools);
  if (!results.every((r) => Object.values(r.tools).every((t) => t.ok))) process.exitCode = 1;
}

await main();
