// Throughput of the classic deflater (our bit-exact port of zlib's and GNU gzip's deflate)
// beside Node's native zlib at the same level, on seeded source-like text, in one run:
//   node packages/archive/bench/classic-deflate.mjs [--mb N] [--rounds N] [--levels 6,9]
// (after a build: it loads ../dist). Prints MB/s of input for each flavour and level, the ratio
// to node:zlib's deflateRawSync, and a short hash of our output (the same hash before and after
// a change to the deflater means the output did not change). A benchmark, not a test.
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { deflateRawSync } from "node:zlib";
import { createClassicDeflater } from "../dist/classic/classic-deflater.js";
import { firstVersion } from "./corpus.mjs";

const { values } = parseArgs({
  strict: false,
  options: {
    mb: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    levels: { type: "string", default: "6,9" },
    flavors: { type: "string", default: "zlib,gzip" },
  },
});
const size = Math.round(Number(values.mb) * 1024 * 1024);
const rounds = Number(values.rounds);
const levels = String(values.levels).split(",").map(Number);
const flavors = String(values.flavors).split(",");

/** Seeded source-like text (with the odd binary-ish asset), `size` bytes. */
function corpus() {
  const files = firstVersion(20261207, Math.ceil(size / 8000) + 1, 8000);
  return Buffer.concat(files.map((f) => f.data)).subarray(0, size);
}

const data = corpus();
const CHUNK = 64 * 1024;

function ours(flavor, level) {
  const deflater = createClassicDeflater({ flavor, level });
  const out = [];
  for (let at = 0; at < data.length; at += CHUNK) {
    const piece = deflater.write(data.subarray(at, at + CHUNK));
    if (piece !== undefined) out.push(piece);
  }
  const last = deflater.finish();
  if (last !== undefined) out.push(last);
  return Buffer.concat(out);
}

function native(level) {
  return deflateRawSync(data, { level });
}

/** Best of `rounds` timings, in MB/s of input; and the last output. */
function measure(run) {
  let best = Number.POSITIVE_INFINITY;
  let output;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    output = run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, seconds);
  }
  return { mbps: data.length / 1024 / 1024 / best, output };
}

const rows = [];
for (const level of levels) {
  const nat = measure(() => native(level));
  for (const flavor of flavors) {
    const our = measure(() => ours(flavor, level));
    rows.push({
      case: `${flavor} -${level}`,
      "ours MB/s": our.mbps.toFixed(1),
      "node:zlib MB/s": nat.mbps.toFixed(1),
      "node/ours": (nat.mbps / our.mbps).toFixed(2),
      "out bytes": our.output.length,
      "out sha256": createHash("sha256").update(our.output).digest("hex").slice(0, 12),
    });
  }
}
console.log(`classic deflater, ${(data.length / 1024 / 1024).toFixed(1)} MB seeded source-like text, best of ${rounds}`);
console.table(rows);
