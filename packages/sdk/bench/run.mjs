// End-to-end SDK benchmark: ten versions of a release archive uploaded and downloaded through
// @dg/sdk against moto, beside plain S3Client PutObject/GetObject of the same files.
//   node packages/sdk/bench/run.mjs       (after a build; `pnpm bench sdk` does both)
// Environment: DG_BENCH_SDK_MB (default 100) and DG_BENCH_SDK_VERSIONS (default 10) size the
// corpus; DG_BENCH_DATA moves the corpus cache (default .bench-data/ at the repository root).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startMoto } from "@dg/testkit";
import { runJsonChild, sha256OfFile } from "../../../tooling/bench/bench-util.mjs";
import { ensureReleases } from "./releases.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const sizeMb = Number(process.env.DG_BENCH_SDK_MB ?? 100);
const versions = Number(process.env.DG_BENCH_SDK_VERSIONS ?? 10);
const dataDir = resolve(process.env.DG_BENCH_DATA ?? join(repoRoot, ".bench-data"), "sdk");

function log(line) {
  process.stderr.write(`${line}\n`);
}

const runChild = (args) => runJsonChild(join(here, "child.mjs"), args);

const mb = (bytes) => (bytes / 1e6).toFixed(1);

mkdirSync(dataDir, { recursive: true });
log(`corpus: ${versions} versions of ${sizeMb} MB in ${dataDir}`);
const files = await ensureReleases(dataDir, versions, sizeMb * 1_000_000);
const moto = await startMoto();
const work = mkdtempSync(join(tmpdir(), "dg-sdk-bench-"));
try {
  const bucket = "sdk-bench";
  await fetch(new URL(`/${bucket}`, moto.endpoint), { method: "PUT" });
  const rows = [];
  for (const [label, upload, download] of [
    ["S3Client PutObject/GetObject", "s3-put", "s3-get"],
    ["@dg/sdk uploadFile/downloadFile", "sdk-upload", "sdk-download"],
  ]) {
    const outDir = join(work, upload);
    mkdirSync(outDir);
    log(`${label}: uploading…`);
    const up = await runChild([upload, moto.endpoint, bucket, outDir, ...files]);
    log(`${label}: downloading…`);
    const down = await runChild([download, moto.endpoint, bucket, outDir, ...files]);
    for (const file of files) {
      if ((await sha256OfFile(file)) !== (await sha256OfFile(join(outDir, basename(file))))) {
        throw new Error(`${label}: ${basename(file)} came back different`);
      }
    }
    rmSync(outDir, { recursive: true, force: true });
    rows.push({ label, up, down });
  }
  const total = rows[0].up.bytes;
  console.log(
    `\n${versions} versions × ${sizeMb} MB (${mb(total)} MB in all), moto at ${moto.endpoint}`,
  );
  console.log(
    "| client | upload s | upload MB/s | upload peak RSS MB | download s | download MB/s | download peak RSS MB | stored MB |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const { label, up, down } of rows) {
    console.log(
      `| ${label} | ${(up.ms / 1000).toFixed(1)} | ${mb((up.bytes / up.ms) * 1000)} | ${(up.maxRssKb / 1024).toFixed(0)} | ${(down.ms / 1000).toFixed(1)} | ${mb((down.bytes / down.ms) * 1000)} | ${(down.maxRssKb / 1024).toFixed(0)} | ${mb(up.storedBytes)} |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await moto.stop();
}
