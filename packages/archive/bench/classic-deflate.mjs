// Throughput of the classic deflater (our bit-exact port of zlib's and GNU gzip's deflate)
// beside Node's native zlib at the same level, on seeded source-like text, in one run:
//   node packages/archive/bench/classic-deflate.mjs [--mb N] [--rounds N] [--levels 6,9]
//                                                   [--flavors zlib,gzip] [--baseline DIR]
// (after a build: it loads ../dist). MB/s of input for each flavour and level, by CPU time
// (both sides run synchronously on one thread; CPU time moves less than wall time on a shared
// machine), each case in a fresh Node process so that one case's JIT state does not colour
// another's:
//   one stream   the corpus as one stream, best of the rounds after a warm-up round;
//   8K cold      the corpus as streams of 2-14 KB (a zip's entries, a new deflater each), the
//                first round of a fresh process, as a worker thread deflating a few entries sees;
//   8K           the same, best of the rounds after that one.
// node/ours is node:zlib's deflateRawSync (one stream) over ours (one stream). The short hashes
// of our output are for checking that a change to the deflater left its output unchanged.
// `--baseline DIR`: also measure another build of the deflater (a directory holding its
// compiled classic-deflater.js) under the same load, and check its output is the same.
// A benchmark, not a test.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { deflateRawSync } from "node:zlib";
import { firstVersion } from "./corpus.mjs";

const { values } = parseArgs({
  strict: false,
  options: {
    mb: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    levels: { type: "string", default: "6,9" },
    flavors: { type: "string", default: "zlib,gzip" },
    baseline: { type: "string" },
    child: { type: "string" },
  },
});
const size = Math.round(Number(values.mb) * 1024 * 1024);
const rounds = Number(values.rounds);
const ours = resolve(fileURLToPath(new URL("../dist/classic", import.meta.url)));

if (values.child !== undefined) {
  console.log(JSON.stringify(await child(JSON.parse(String(values.child)))));
} else {
  parent();
}

/** Seeded source-like text (with the odd binary-ish asset), `size` bytes. */
function corpus() {
  const files = firstVersion(20261207, Math.ceil(size / 8000) + 1, 8000);
  return Buffer.concat(files.map((f) => f.data)).subarray(0, size);
}

/** The corpus as streams of 2-14 KB, as a zip's entries. */
function entriesOf(data) {
  const entries = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = 2048 + ((i * 7919) % 12288);
    entries.push(data.subarray(at, at + n));
    at += n;
  }
  return entries;
}

function deflateStreams(create, streams, flavor, level) {
  const out = [];
  for (const stream of streams) {
    const deflater = create({ flavor, level });
    for (let at = 0; at < stream.length; at += 64 * 1024) {
      const piece = deflater.write(stream.subarray(at, at + 64 * 1024));
      if (piece !== undefined) out.push(piece);
    }
    const last = deflater.finish();
    if (last !== undefined) out.push(last);
  }
  return Buffer.concat(out);
}

/** CPU seconds of `run()`, and its output. */
function timed(run) {
  const t0 = process.cpuUsage();
  const output = run();
  const used = process.cpuUsage(t0);
  return { seconds: (used.user + used.system) / 1e6, output };
}

/** One case in this (fresh) process: { first, best } in MB/s, output hash and size. */
async function child({ impl, flavor, level, shape }) {
  const data = corpus();
  const mb = data.length / 1024 / 1024;
  let run;
  if (impl === "node") {
    run = () => deflateRawSync(data, { level });
  } else {
    const { createClassicDeflater } = await import(
      pathToFileURL(resolve(impl, "classic-deflater.js")).href
    );
    const streams = shape === "entries" ? entriesOf(data) : [data];
    run = () => deflateStreams(createClassicDeflater, streams, flavor, level);
  }
  const first = timed(run);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) best = Math.min(best, timed(run).seconds);
  const hash = createHash("sha256").update(first.output).digest("hex").slice(0, 12);
  return { first: mb / first.seconds, best: mb / best, hash, bytes: first.output.length };
}

function runChild(spec) {
  const result = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      "--mb",
      String(values.mb),
      "--rounds",
      String(rounds),
      "--child",
      JSON.stringify(spec),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`bench child ${JSON.stringify(spec)} failed`);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

function parent() {
  const levels = String(values.levels).split(",").map(Number);
  const flavors = String(values.flavors).split(",");
  const impls = [["ours", ours]];
  if (values.baseline !== undefined) impls.unshift(["baseline", resolve(String(values.baseline))]);
  const rows = [];
  for (const level of levels) {
    const native = runChild({ impl: "node", level });
    for (const flavor of flavors) {
      const row = { case: `${flavor} -${level}` };
      const outputs = [];
      for (const [name, dir] of impls) {
        const one = runChild({ impl: dir, flavor, level, shape: "one" });
        const entries = runChild({ impl: dir, flavor, level, shape: "entries" });
        row[name] = one.best.toFixed(1);
        row[`${name} 8K cold`] = entries.first.toFixed(1);
        row[`${name} 8K`] = entries.best.toFixed(1);
        outputs.push(`${one.hash}/${entries.hash}`);
        if (name === "ours") {
          Object.assign(row, {
            "node:zlib": native.best.toFixed(1),
            "node/ours": (native.best / one.best).toFixed(2),
            "ours sha256 (one/8K)": `${one.hash}/${entries.hash}`,
          });
        }
      }
      if (impls.length > 1) row["same bytes"] = outputs.every((o) => o === outputs[0]);
      rows.push(row);
    }
  }
  console.log(
    `classic deflater, MB/s of input by CPU time, ${values.mb} MB of seeded source-like text, ${rounds} rounds`,
  );
  console.table(rows);
}
