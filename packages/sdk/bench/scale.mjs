// Large buckets (issue 18): `deltaglider ls -r` and `stats` on a bucket of many deltas, first
// run and repeated, beside the plain listing as the baseline (the raw ListObjectsV2 walk through
// the AWS SDK on moto, the directory store's own walk on file://, and `aws s3 ls --recursive`
// when the AWS CLI is installed), as wall-time ratios with peak RSS; and a migration split into
// 4 shards run as 4 processes at once against the same migration in 1 process.
//   node packages/sdk/bench/scale.mjs     (after a build; `pnpm bench scale` does both)
// Environment:
//   DG_BENCH_SCALE_FILE_KEYS    deltas on file://, comma-separated sizes (default "20000,200000")
//   DG_BENCH_SCALE_MOTO_KEYS    deltas on moto (default "20000"; empty: none)
//   DG_BENCH_SCALE_FOLDERS      folders they are spread over (default 200)
//   DG_BENCH_SCALE_MIGRATE      files of the sharded migration (default 2000; 0 skips it; with
//                               no moto keys either, moto is not started: the file:// part alone)
//   DG_BENCH_SCALE_SHARDS       shards of it (default 4)
// Two buckets per size: "ours", written as deltaglider writes (deltas, references, and the
// object-facts index its uploads record), and "python", the same objects as the Python tool
// leaves them (no index: the first listing HEADs every delta and fills the index).
// Each command is compared with the plain listing run right before it (the machine's load moves
// within a run). Targets (issue 18): ours, ls -r <= 1.5x the plain listing (first run included)
// and stats <= 2x; python, the second ls -r <= 1.5x; peak RSS at 200,000 keys <= 1.2x that at
// 20,000.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createFactsIndex, deltaMetadata, referenceMetadata } from "@dg/core";
import { createDirObjectStore, createS3Client, createS3ObjectStore } from "@dg/s3";
import { seededBytes, startMoto } from "@dg/testkit";
import { createHasher } from "./scale-hasher.mjs";
import { createShardSelector } from "../dist/index.js";
import { isolatedCliEnv } from "../../../tooling/bench/bench-util.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, "../../../apps/cli/dist/main.js");
const RAW_WALK = join(here, "scale-raw-walk.mjs");
// As the installed bin runs it (its #! line passes the flags: see apps/cli/src/main.ts);
// DG_BENCH_NODE_FLAGS replaces them (space-separated), to measure what a flag does.
const DG = [
  process.execPath,
  ...(process.env.DG_BENCH_NODE_FLAGS ?? "--no-concurrent-recompilation --max-semi-space-size=8")
    .split(" ")
    .filter(Boolean),
  CLI,
];
const sizesOf = (text) => text.split(",").filter(Boolean).map(Number);
const fileKeys = sizesOf(process.env.DG_BENCH_SCALE_FILE_KEYS ?? "20000,200000");
const motoKeys = sizesOf(process.env.DG_BENCH_SCALE_MOTO_KEYS ?? "20000");
const folders = Number(process.env.DG_BENCH_SCALE_FOLDERS ?? 200);
const migrateFiles = Number(process.env.DG_BENCH_SCALE_MIGRATE ?? 2000);
const shards = Number(process.env.DG_BENCH_SCALE_SHARDS ?? 4);
const timeBinary = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const awsCli = spawnSync("aws", ["--version"], { encoding: "utf8" }).status === 0;
const hasher = createHasher();

const log = (line) => process.stderr.write(`${line}\n`);
const out = (line) => process.stdout.write(`${line}\n`);
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** A command that takes longer than this is stopped and the bench fails (a hung server). */
const COMMAND_TIMEOUT_MS = Number(process.env.DG_BENCH_SCALE_TIMEOUT_S ?? 1800) * 1000;

/** Run a command; wall seconds, peak RSS in MB (from /usr/bin/time), stdout. */
function timed(argv, env, { allowFailure = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const [command, ...args] = timeBinary ? [timeBinary, "-f", "maxrss %M", ...argv] : argv;
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    let stdout = "";
    let lines = 0;
    let stderr = "";
    // Listings of 200,000 lines are counted, not kept.
    child.stdout.on("data", (d) => {
      const text = d.toString();
      lines += text.split("\n").length - 1;
      if (stdout.length < 1 << 20) stdout += text;
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = /maxrss (\d+)\s*$/.exec(stderr);
      if (code !== 0 && !allowFailure) {
        return reject(new Error(`${argv.join(" ")} exited ${code ?? signal}: ${stderr}`));
      }
      resolvePromise({
        seconds,
        rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
        stdout,
        lines,
        code,
      });
    });
  });
}

/** Run `count` tasks with `width` at a time. */
async function pool(count, width, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/**
 * Fill `bucket` with `keys` deltas over `folders` folders (each with its reference.bin), as
 * deltaglider stores them; with `index`, also the object-facts index its uploads record.
 */
async function fillDeltas(store, bucket, keys, { index }) {
  await store.createBucket(bucket);
  const facts = index ? createFactsIndex({ store, hasher, writerId: "bench-writer" }) : undefined;
  const perFolder = Math.ceil(keys / folders);
  const tool = "deltaglider-ts/bench";
  const createdAt = new Date("2026-12-01T00:00:00Z");
  const reference = seededBytes("scale-reference", 2048);
  const referenceSha = sha(reference);
  await pool(folders, 16, async (f) => {
    const folder = `release-${String(f).padStart(4, "0")}`;
    const key = `${folder}/reference.bin`;
    const { etag } = await store.putObject(bucket, key, reference, {
      metadata: referenceMetadata({
        tool,
        sourceName: "app-0.zip",
        sha256: referenceSha,
        createdAt,
      }),
    });
    // Uploads that create a reference record it too (ADR 0002).
    facts?.record(bucket, {
      key,
      etag,
      storedSize: reference.length,
      name: "app-0.zip",
      size: reference.length,
      sha256: referenceSha,
      kind: "reference",
    });
  });
  await pool(keys, 32, async (i) => {
    const folder = `release-${String(i % folders).padStart(4, "0")}`;
    const name = `app-${String(Math.floor(i / folders)).padStart(5, "0")}.zip`;
    const delta = seededBytes(`scale-delta-${i}`, 64 + (i % 64));
    const size = 1_000_000 + i;
    const key = `${folder}/${name}.delta`;
    const metadata = deltaMetadata({
      tool,
      originalName: name,
      sha256: sha(new TextEncoder().encode(`file ${i}`)),
      size,
      createdAt,
      refKey: `${folder}/reference.bin`,
      refSha256: referenceSha,
      deltaSize: delta.length,
    });
    const { etag } = await store.putObject(bucket, key, delta, { metadata });
    facts?.record(bucket, {
      key,
      etag,
      storedSize: delta.length,
      name,
      size,
      sha256: metadata["dg-file-sha256"],
      refSha256: referenceSha,
      kind: "delta",
    });
  });
  await facts?.flush();
  return { perFolder };
}

/**
 * The plain listing, run again right before each command it is compared with: the machine is
 * shared, and its load moves within a run, so each ratio is to the baseline run beside it.
 */
function createBaseline(name, argv, env) {
  const runs = [];
  return {
    name,
    async run() {
      const result = await timed(argv, env);
      runs.push(result);
      return result;
    },
    /** Median wall seconds and the largest peak RSS of its runs. */
    summary() {
      const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
      return {
        name: `${name} (median of ${runs.length})`,
        seconds: seconds[Math.floor((seconds.length - 1) / 2)] ?? Number.NaN,
        rssMb: Math.max(...runs.map((r) => r.rssMb)),
      };
    },
  };
}

/** A row: the command's wall seconds, its ratio to the baseline run just before it, peak RSS. */
async function beside(baseline, name, argv, env) {
  const base = await baseline.run();
  const result = await timed(argv, env);
  return { name, ...result, baseSeconds: base.seconds, ratio: result.seconds / base.seconds };
}

/** One row per command: wall seconds, ratio to the baseline beside it, peak RSS. */
async function listingRows(label, env, endpointArgs, bucket, baseline) {
  const rows = [];
  const add = async (name, argv) => {
    const row = await beside(baseline, name, argv, env);
    rows.push(row);
    log(
      `  ${label} ${name}: ${row.seconds.toFixed(2)} s (plain listing ${row.baseSeconds.toFixed(2)} s), ${row.lines} lines`,
    );
    return row;
  };
  const cli = (...args) => [...DG, ...args, ...endpointArgs];
  await add(`deltaglider ls -r s3://${bucket}/ (first)`, cli("ls", "-r", `s3://${bucket}/`));
  await add(`deltaglider ls -r s3://${bucket}/ (again)`, cli("ls", "-r", `s3://${bucket}/`));
  await add(
    `deltaglider stats ${bucket} --refresh (first)`,
    cli("stats", bucket, "--json", "--refresh"),
  );
  await add(
    `deltaglider stats ${bucket} --refresh (again)`,
    cli("stats", bucket, "--json", "--refresh"),
  );
  await add(`deltaglider stats ${bucket} (cache hit)`, cli("stats", bucket, "--json"));
  return rows;
}

function printTable(title, baseline, rows) {
  out(`\n${title}`);
  out("| command | wall s | plain listing just before, s | × plain listing | peak RSS MB |");
  out("|---|---|---|---|---|");
  const fmt = (n, d = 2) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(d));
  const base = baseline.summary();
  out(`| ${base.name} | ${fmt(base.seconds)} | – | 1.00 | ${fmt(base.rssMb, 0)} |`);
  for (const row of rows) {
    out(
      `| ${row.name} | ${fmt(row.seconds)} | ${fmt(row.baseSeconds)} | ${fmt(row.ratio)} | ${fmt(row.rssMb, 0)} |`,
    );
  }
}

const work = mkdtempSync(join(tmpdir(), "dg-scale-bench-"));
const home = join(work, "home");
mkdirSync(home);
const baseEnv = { ...isolatedCliEnv(home), DG_CACHE_BACKEND: "memory" };
out(
  `deltaglider scale bench: Node ${process.version}, ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}, ${folders} folders${timeBinary ? "" : " (no /usr/bin/time: no peak RSS)"}`,
);
// moto only when a part needs it: DG_BENCH_SCALE_MOTO_KEYS= DG_BENCH_SCALE_MIGRATE=0 runs the
// file:// part alone.
const moto = motoKeys.length > 0 || migrateFiles > 0 ? await startMoto() : undefined;
const s3 =
  moto &&
  createS3Client({
    endpoint: moto.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test-secret-key" },
    forcePathStyle: true,
  });
const motoStore = s3 && createS3ObjectStore({ client: s3 });
try {
  const rssAt = [];
  for (const keys of fileKeys) {
    const root = join(work, `store-${keys}`);
    mkdirSync(root);
    const store = createDirObjectStore({ root });
    log(`file://: filling ${keys} deltas (twice)…`);
    await fillDeltas(store, "ours", keys, { index: true });
    await fillDeltas(store, "python", keys, { index: false });
    const endpoint = pathToFileURL(root).href;
    const env = { ...baseEnv, DG_ENDPOINT_URL: endpoint };
    const baseline = createBaseline(
      "plain walk of the directory store",
      [process.execPath, RAW_WALK, "dir", root, "ours"],
      env,
    );
    for (const bucket of ["ours", "python"]) {
      const rows = await listingRows(`file:// ${keys}`, env, [], bucket, baseline);
      printTable(`file://, ${keys} deltas, bucket "${bucket}"`, baseline, rows);
      if (bucket === "ours") rssAt.push({ keys, rows });
    }
    rmSync(root, { recursive: true, force: true });
  }
  if (rssAt.length >= 2) {
    const [small, large] = [rssAt[0], rssAt.at(-1)];
    out(`\nPeak RSS, ${large.keys} deltas against ${small.keys} (file://, bucket "ours"):`);
    for (const [i, row] of large.rows.entries()) {
      const ratio = row.rssMb / small.rows[i].rssMb;
      out(
        `  ${row.name.replace(/ours\/? ?/, "")}: ${Number.isNaN(ratio) ? "–" : ratio.toFixed(2)}×`,
      );
    }
  }
  for (const keys of motoKeys) {
    log(`moto: filling ${keys} deltas (twice)…`);
    const ours = `scale-ours-${keys}`;
    const python = `scale-python-${keys}`;
    await fillDeltas(motoStore, ours, keys, { index: true });
    await fillDeltas(motoStore, python, keys, { index: false });
    const env = { ...baseEnv, DG_ENDPOINT_URL: moto.endpoint };
    const baseline = createBaseline(
      "ListObjectsV2 walk (AWS SDK)",
      [process.execPath, RAW_WALK, "s3", moto.endpoint, ours],
      env,
    );
    const extra = [];
    if (awsCli) {
      const awsLs = ["aws", "s3", "ls", "--recursive", `s3://${ours}/`];
      extra.push(
        await beside(
          baseline,
          "aws s3 ls --recursive",
          [...awsLs, "--endpoint-url", moto.endpoint],
          env,
        ),
      );
    }
    for (const bucket of [ours, python]) {
      const rows = await listingRows(`moto ${keys}`, env, [], bucket, baseline);
      printTable(`moto, ${keys} deltas, bucket "${bucket}"`, baseline, [...extra, ...rows]);
    }
  }
  if (migrateFiles > 0) await shardedMigration();
} finally {
  s3?.destroy();
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
}

/**
 * A plain bucket of `migrateFiles` small releases in 20 folders, migrated once by one process
 * and once by `shards` processes at once (each with its own home and cache: they share nothing
 * but the bucket); both results compared, each shard's share printed, and a shard rerun.
 */
async function shardedMigration() {
  const source = "scale-migrate-src";
  const one = "scale-migrate-one";
  const split = "scale-migrate-split";
  for (const bucket of [source, one, split]) await motoStore.createBucket(bucket);
  const migrateFolders = 20;
  const keys = [];
  const sizes = new Map();
  log(`moto: ${migrateFiles} files to migrate…`);
  await pool(migrateFiles, 16, async (i) => {
    const folder = `pkg-${String(i % migrateFolders).padStart(2, "0")}`;
    const base = seededBytes(`migrate-${folder}`, 16_384);
    const body = new Uint8Array(base);
    body.set(seededBytes(`migrate-${i}`, 32), (i * 97) % (base.length - 32));
    const relative = `${folder}/app-${String(i).padStart(5, "0")}.zip`;
    keys.push(relative);
    sizes.set(relative, body.length);
    await motoStore.putObject(source, `data/${relative}`, body, {});
  });
  const env = { ...baseEnv, DG_ENDPOINT_URL: moto.endpoint };
  const args = (destination) => [
    process.execPath,
    CLI,
    "migrate",
    `s3://${source}/data/`,
    `s3://${destination}/`,
    "--yes",
    "--no-progress",
    "--quiet",
  ];
  const single = await timed(args(one), env);
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: shards }, (_, k) => {
      const shardHome = join(work, `shard-${k}`);
      mkdirSync(shardHome, { recursive: true });
      const shardEnv = { ...env, HOME: shardHome, XDG_CACHE_HOME: join(shardHome, ".cache") };
      return timed([...args(split), "--shard", `${k}/${shards}`], shardEnv);
    }),
  );
  const splitSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // What each shard took: files and bytes, from the documented selection.
  const per = Array.from({ length: shards }, (_, k) => {
    const mine = createShardSelector({ index: k, count: shards });
    const files = keys.filter((key) => mine.includes(key));
    return { files: files.length, bytes: files.reduce((n, key) => n + sizes.get(key), 0) };
  });
  const lsOf = async (bucket) =>
    (await timed([...DG, "ls", "-r", `s3://${bucket}/`], env)).stdout
      .trim()
      .split("\n")
      .map((line) => line.slice(20).trim())
      .sort()
      .join("\n");
  const same = (await lsOf(one)) === (await lsOf(split));
  const refs = (
    await timed([process.execPath, RAW_WALK, "s3", moto.endpoint, split, "--refs"], env)
  ).stdout.trim();
  const verify = await timed([...DG, "verify", "-r", `s3://${split}/data/`], env, {
    allowFailure: true,
  });
  const rerun = await timed(
    [...args(split).filter((a) => a !== "--quiet"), "--shard", `0/${shards}`],
    env,
  );
  out(`\nSharded migration of ${migrateFiles} files in ${migrateFolders} folders (moto → moto)`);
  out("| run | wall s | peak RSS MB |");
  out("|---|---|---|");
  out(`| 1 process | ${single.seconds.toFixed(2)} | ${single.rssMb.toFixed(0)} |`);
  out(`| ${shards} processes at once (whole run) | ${splitSeconds.toFixed(2)} | – |`);
  for (const [k, result] of results.entries()) {
    const share = per[k].files / (migrateFiles / shards);
    out(
      `| shard ${k}/${shards}: ${per[k].files} files (${(share * 100 - 100).toFixed(1)}% from a quarter), ${(per[k].bytes / 1e6).toFixed(1)} MB | ${result.seconds.toFixed(2)} | ${result.rssMb.toFixed(0)} |`,
    );
  }
  out(`Same logical bucket as the single run: ${same ? "yes" : "NO"}`);
  out(`References per folder in the split run: ${refs}`);
  out(
    `verify -r of the split run: ${verify.code === 0 ? "every file byte-exact" : `FAILED (${verify.code})`}`,
  );
  out(
    `Rerun of shard 0: ${/Nothing to migrate/.test(rerun.stdout) ? "moved nothing" : "MOVED FILES"}`,
  );
  out(
    `Note: the shards ran on one ${cpus().length}-core machine, so their wall time shows no speed-up across machines; they shared nothing but the bucket (each its own process, home and cache).`,
  );
}
