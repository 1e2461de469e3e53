// The real-release corpus the benchmarks share: consecutive npm releases of four packages
// (a TypeScript compiler, a framework, a formatter, and a Go executable), each kept in three
// containers: npm's own `.tgz`, the `.tar` inside it, and an Info-ZIP `.zip` of the same files.
//
// Fetching is a separate, one-time step (the only one that leaves loopback: `npm pack` from the
// npm registry), so that benchmark runs themselves never touch the network:
//   node tooling/bench/npm-corpus.mjs          fetch into .bench-data/npm-corpus/ (cached)
// Benchmarks call `loadNpmCorpus()`, which returns undefined (and they print how to fetch) when
// the corpus is not there.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run, touchAll } from "./bench-util.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CORPUS_DIR = join(root, ".bench-data", "npm-corpus");

/** Consecutive releases; the first of each is the one a folder's reference would be. */
export const CORPUS = [
  { name: "typescript", versions: ["5.4.2", "5.4.3", "5.4.4", "5.4.5", "5.5.2", "5.5.3", "5.5.4"] },
  { name: "@angular/core", versions: ["18.2.0", "18.2.1", "18.2.2", "18.2.3", "18.2.4", "18.2.5"] },
  { name: "prettier", versions: ["3.3.0", "3.3.1", "3.3.2", "3.3.3", "3.4.0", "3.4.1", "3.4.2"] },
  {
    name: "@esbuild/linux-x64",
    versions: ["0.25.0", "0.25.1", "0.25.2", "0.25.3", "0.25.4", "0.25.5"],
  },
];

const CONTAINERS = ["tgz", "tar", "zip"];
const slug = (name) => name.replace(/^@/, "").replace("/", "-");
const fileFor = (name, version, container) =>
  join(CORPUS_DIR, slug(name), container, `${slug(name)}-${version}.${container}`);

function fetchOne(name, version) {
  const tgz = fileFor(name, version, "tgz");
  const tar = fileFor(name, version, "tar");
  const zip = fileFor(name, version, "zip");
  if ([tgz, tar, zip].every((f) => existsSync(f))) return;
  for (const f of [tgz, tar, zip]) mkdirSync(dirname(f), { recursive: true });
  const work = mkdtempSync(join(CORPUS_DIR, ".work-"));
  try {
    const packed = run("npm", [
      "pack",
      `${name}@${version}`,
      "--silent",
      "--pack-destination",
      work,
    ])
      .trim()
      .split("\n")
      .pop();
    renameSync(join(work, packed), tgz);
    // The tar inside npm's tgz, byte for byte (gzip -dc keeps it exactly).
    run("sh", ["-c", 'gzip -dc "$1" > "$2"', "sh", tgz, tar]);
    // The same files as an Info-ZIP archive, as a release zip is usually made.
    const tree = join(work, "tree");
    mkdirSync(tree);
    run("tar", ["-xf", tar, "-C", tree]);
    touchAll(tree, new Date("2025-01-01T00:00:00Z"));
    run("sh", ["-c", 'cd "$1" && zip -q -r -6 -X "$2" package', "sh", tree, `${zip}.part`]);
    renameSync(`${zip}.part`, zip);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Fetch the whole corpus (cached). Needs `npm`, `gzip`, `tar` and `zip`. */
export function fetchNpmCorpus(log = console.log) {
  mkdirSync(CORPUS_DIR, { recursive: true });
  for (const { name, versions } of CORPUS) {
    for (const version of versions) {
      log(`corpus: ${name}@${version}`);
      fetchOne(name, version);
    }
  }
}

/**
 * The corpus as files, or undefined when it has not been fetched.
 * @returns {{ name: string, slug: string, versions: { version: string, tgz: string, tar: string, zip: string, size: Record<string, number> }[] }[] | undefined}
 */
export function loadNpmCorpus() {
  const packages = [];
  for (const { name, versions } of CORPUS) {
    const rows = [];
    for (const version of versions) {
      const row = { version, size: {} };
      for (const c of CONTAINERS) {
        const file = fileFor(name, version, c);
        if (!existsSync(file)) return undefined;
        row[c] = file;
        row.size[c] = statSync(file).size;
      }
      rows.push(row);
    }
    packages.push({ name, slug: slug(name), versions: rows });
  }
  return packages;
}

export const FETCH_HINT =
  "the npm release corpus is not fetched: run `node tooling/bench/npm-corpus.mjs` once";

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fetchNpmCorpus();
  const corpus = loadNpmCorpus();
  let total = 0;
  for (const p of corpus) for (const v of p.versions) total += v.size.tar;
  console.log(
    `corpus ready in .bench-data/npm-corpus: ${corpus.length} packages, ${(total / 1e6).toFixed(0)} MB of tar`,
  );
}
