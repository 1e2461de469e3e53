// Real releases as a user stores them: every version of four npm packages uploaded through
// the SDK into one folder per package on a moto server, and downloaded again, once as the
// tar, once as npm's tgz, once as an Info-ZIP zip of the same files (the shared corpus of
// tooling/bench/npm-corpus.mjs). Prints wall times and savings, and the zip's and tgz's as
// ratios to the tar's, measured in the same run.
//   node packages/sdk/bench/archive-releases.mjs [--rounds N] [--baseline DIR]
// --baseline DIR: also run a built checkout at DIR (e.g. the main branch) in the same run,
// phase by phase alternated with this one, so that "before" and "after" share the machine's
// load. Each phase runs in its own process (its peak RSS is its own) with a fresh cache.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startMoto } from "@dg/testkit";
import { runJsonChild, sha256OfFile } from "../../../tooling/bench/bench-util.mjs";
import { FETCH_HINT, loadNpmCorpus } from "../../../tooling/bench/npm-corpus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  strict: false,
  options: { rounds: { type: "string", default: "1" }, baseline: { type: "string" } },
});
const rounds = Number(values.rounds);
const builds = [{ label: "this", dist: resolve(here, "../dist") }];
if (values.baseline !== undefined) {
  builds.push({ label: "baseline", dist: resolve(values.baseline, "packages/sdk/dist") });
}
const CONTAINERS = ["tar", "zip", "tgz"];

const runChild = (args) => runJsonChild(join(here, "releases-child.mjs"), args);

const corpus = loadNpmCorpus();
if (corpus === undefined) {
  console.log(`archive-releases: skipped, ${FETCH_HINT}`);
  process.exit(0);
}
const moto = await startMoto();
const work = mkdtempSync(join(tmpdir(), "dg-releases-bench-"));
const totals = {};
try {
  for (let round = 0; round < rounds; round++) {
    for (const build of builds) {
      const bucket = `releases-${build.label}-${round}`;
      await fetch(new URL(`/${bucket}`, moto.endpoint), { method: "PUT" });
    }
    for (const container of CONTAINERS) {
      for (const build of builds) {
        const bucket = `releases-${build.label}-${round}`;
        const pairs = corpus.flatMap((p) =>
          p.versions.map((v) => `${container}/${p.slug}=${v[container]}`),
        );
        const outDir = join(work, `${build.label}-${container}`);
        for (const p of corpus) mkdirSync(join(outDir, container, p.slug), { recursive: true });
        process.stderr.write(`round ${round + 1}: ${build.label} ${container} upload… `);
        const up = await runChild(["upload", build.dist, moto.endpoint, bucket, outDir, ...pairs]);
        process.stderr.write("download… ");
        const down = await runChild([
          "download",
          build.dist,
          moto.endpoint,
          bucket,
          outDir,
          ...pairs,
        ]);
        let exact = 0;
        for (const pair of pairs) {
          const [prefix, file] = pair.split("=");
          if (
            (await sha256OfFile(file)) ===
            (await sha256OfFile(join(outDir, prefix, basename(file))))
          )
            exact++;
        }
        rmSync(outDir, { recursive: true, force: true });
        process.stderr.write(`${(up.ms / 1000).toFixed(1)} s / ${(down.ms / 1000).toFixed(1)} s\n`);
        const key = `${build.label}:${container}`;
        totals[key] ??= {
          up: 0,
          down: 0,
          bytes: 0,
          stored: 0,
          rssUp: 0,
          rssDown: 0,
          exact: 0,
          files: 0,
        };
        const t = totals[key];
        t.up += up.ms;
        t.down += down.ms;
        t.bytes += up.bytes;
        t.stored += up.storedBytes;
        t.rssUp = Math.max(t.rssUp, up.maxRssKb);
        t.rssDown = Math.max(t.rssDown, down.maxRssKb);
        t.exact += exact;
        t.files += pairs.length;
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await moto.stop();
}

const files = corpus.reduce((n, p) => n + p.versions.length, 0);
console.log(
  `\nreal releases: ${corpus.map((p) => p.name).join(", ")} (${files} files per container), ${rounds} round(s), moto at ${moto.endpoint}`,
);
console.log(
  "| build | container | MB | upload s | download s | upload / tar | download / tar | saved | peak RSS up / down MB | byte-exact |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const build of builds) {
  const tar = totals[`${build.label}:tar`];
  for (const container of CONTAINERS) {
    const t = totals[`${build.label}:${container}`];
    console.log(
      `| ${build.label} | ${container} | ${(t.bytes / rounds / 1e6).toFixed(0)} | ${(t.up / rounds / 1000).toFixed(1)} | ${(t.down / rounds / 1000).toFixed(1)} | ${(t.up / tar.up).toFixed(2)}x | ${(t.down / tar.down).toFixed(2)}x | ${(100 * (1 - t.stored / t.bytes)).toFixed(1)}% | ${Math.round(t.rssUp / 1024)} / ${Math.round(t.rssDown / 1024)} | ${t.exact}/${t.files} |`,
    );
  }
}
