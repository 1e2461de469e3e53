// Run by `pnpm lint` after `biome check`: proves that the layering rules of biome.json hold.
// The rules themselves are Biome's noRestrictedImports / noProcessEnv overrides; a rule that
// silently stopped matching (a glob typo, a renamed folder) would let a bad import through, so
// this check writes deliberately bad files where each layer keeps its code, lints them with
// the repository's own biome.json (copied into a scratch folder, so the source tree is never
// touched), and fails unless each bad file is refused and each good one passes. It also checks
// that the runtime dependencies of every package.json follow the same layers.
//   node tooling/ci/check-boundaries.mjs
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const biome = join(root, "node_modules", ".bin", "biome");

/** [path in the repository, source, the rule that must refuse it (undefined: must pass)]. */
const PROBES = [
  // The CLI is a client of the SDK.
  ["apps/cli/src/probe-core.ts", 'import { parseS3Uri } from "@dg/core";', "noRestrictedImports"],
  [
    "apps/cli/src/probe-domain.ts",
    'import { parseS3Uri } from "@dg/core/domain";',
    "noRestrictedImports",
  ],
  [
    "apps/cli/src/probe-s3.ts",
    'import { createS3ObjectStore } from "@dg/s3";',
    "noRestrictedImports",
  ],
  [
    "apps/cli/src/probe-cache.ts",
    'import { createFsReferenceCache } from "@dg/cache";',
    "noRestrictedImports",
  ],
  [
    "apps/cli/src/probe-aws.ts",
    'import { S3Client } from "@aws-sdk/client-s3";',
    "noRestrictedImports",
  ],
  [
    "apps/cli/src/commands/probe-lazy.ts",
    'export const load = () => import("@dg/xdelta");',
    "noRestrictedImports",
  ],
  [
    "apps/cli/src/ui/probe-reexport.tsx",
    'export { createDirObjectStore } from "@dg/s3/dir";',
    "noRestrictedImports",
  ],
  // Adapters depend on core only.
  [
    "packages/s3/src/probe-cache.ts",
    'import { openFileSource } from "@dg/cache";',
    "noRestrictedImports",
  ],
  [
    "packages/archive/src/probe-xdelta.ts",
    'import { createXdeltaCodec } from "@dg/xdelta";',
    "noRestrictedImports",
  ],
  [
    "packages/cache/src/probe-sdk.ts",
    'import { createClient } from "@dg/sdk";',
    "noRestrictedImports",
  ],
  [
    "packages/xdelta/src/encode/probe-s3.ts",
    'import { createDirObjectStore } from "@dg/s3/dir";',
    "noRestrictedImports",
  ],
  // The Node platform layer depends on core only, and the CLI reaches it only through the SDK.
  [
    "packages/node/src/probe-cache.ts",
    'import { createFsReferenceCache } from "@dg/cache";',
    "noRestrictedImports",
  ],
  [
    "packages/node/src/probe-aws.ts",
    'import { S3Client } from "@aws-sdk/client-s3";',
    "noRestrictedImports",
  ],
  ["packages/node/src/probe-env.ts", "export const dir = process.env.TMPDIR;", "noProcessEnv"],
  [
    "apps/cli/src/probe-node.ts",
    'import { openFileSource } from "@dg/node";',
    "noRestrictedImports",
  ],
  // Adapters take options: the environment is read by the composition root.
  [
    "packages/cache/src/probe-env.ts",
    "export const dir = process.env.DG_CACHE_DIR;",
    "noProcessEnv",
  ],
  [
    "packages/s3/src/dir/probe-env.ts",
    "export const region = process.env.AWS_REGION;",
    "noProcessEnv",
  ],
  // Core: no Node I/O, no vendor SDK, no other package of ours, no environment.
  [
    "packages/core/src/probe-fs.ts",
    'import { open } from "node:fs/promises";',
    "noRestrictedImports",
  ],
  [
    "packages/core/src/service/probe-net.ts",
    'import { connect } from "node:net";',
    "noRestrictedImports",
  ],
  [
    "packages/core/src/probe-aws.ts",
    'import { S3Client } from "@aws-sdk/client-s3";',
    "noRestrictedImports",
  ],
  [
    "packages/core/src/domain/probe-s3.ts",
    'import { createS3ObjectStore } from "@dg/s3";',
    "noRestrictedImports",
  ],
  [
    "packages/core/src/probe-env.ts",
    "export const level = process.env.DG_LOG_LEVEL;",
    "noProcessEnv",
  ],
  // The SDK never imports the test kit.
  [
    "packages/sdk/src/probe-testkit.ts",
    'import { startMoto } from "@dg/testkit";',
    "noRestrictedImports",
  ],
  // What each layer may do.
  [
    "apps/cli/src/probe-ok.ts",
    'import { createClient } from "@dg/sdk";\nimport { parseS3Uri } from "@dg/sdk/common";',
  ],
  ["apps/cli/src/probe-ok.test.ts", 'import { createMemoryObjectStore } from "@dg/core/memory";'],
  [
    "packages/s3/src/probe-ok.ts",
    'import { S3Client } from "@aws-sdk/client-s3";\nimport { parseS3Uri } from "@dg/core";',
  ],
  ["packages/archive/src/probe-ok.test.ts", 'import { createXdeltaCodec } from "@dg/xdelta";'],
  [
    "packages/cache/src/probe-ok.ts",
    'import { openFileSource } from "@dg/node";\nimport { parseS3Uri } from "@dg/core";',
  ],
  [
    "packages/node/src/probe-ok.ts",
    'import { open } from "node:fs/promises";\nimport { isDgError } from "@dg/core";',
  ],
  ["packages/xdelta/src/cli/probe-ok.ts", "export const engine = process.env.DG_DELTA_ENGINE;"],
  [
    "packages/sdk/src/probe-ok.ts",
    'import { createFsReferenceCache } from "@dg/cache";\nexport const env = process.env;',
  ],
  [
    "packages/core/src/probe-ok.ts",
    'import { createHash } from "node:crypto";\nimport { parseS3Uri } from "@dg/core/domain";',
  ],
];

/** Workspace packages and the @dg packages their runtime dependencies may name. */
const ALLOWED_DEPENDENCIES = {
  "@dg/core": [],
  // The Node platform layer: the one dependency adapters share besides core (ADR 0001).
  "@dg/node": ["@dg/core"],
  "@dg/xdelta": ["@dg/core", "@dg/node"],
  "@dg/s3": ["@dg/core", "@dg/node"],
  "@dg/cache": ["@dg/core", "@dg/node"],
  "@dg/archive": ["@dg/core", "@dg/node"],
  "@dg/sdk": ["@dg/core", "@dg/node", "@dg/xdelta", "@dg/s3", "@dg/cache", "@dg/archive"],
  // The CLI is bundled: everything of ours is a devDependency, none a runtime dependency.
  deltaglider: [],
};
const MANIFESTS = {
  "@dg/core": "packages/core",
  "@dg/node": "packages/node",
  "@dg/xdelta": "packages/xdelta",
  "@dg/s3": "packages/s3",
  "@dg/cache": "packages/cache",
  "@dg/archive": "packages/archive",
  "@dg/sdk": "packages/sdk",
  deltaglider: "apps/cli",
};

const problems = [];

function checkManifests() {
  for (const [name, folder] of Object.entries(MANIFESTS)) {
    const manifest = JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8"));
    if (manifest.name !== name) problems.push(`${folder}/package.json is not ${name}`);
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const dependency of Object.keys(manifest[field] ?? {})) {
        const ours = dependency.startsWith("@dg/") || dependency === "deltaglider";
        if (ours && !ALLOWED_DEPENDENCIES[name].includes(dependency)) {
          problems.push(`${name} lists ${dependency} in ${field}: that crosses the layers`);
        }
      }
    }
  }
}

function checkProbes() {
  const scratch = mkdtempSync(join(tmpdir(), "dg-boundaries-"));
  try {
    copyFileSync(join(root, "biome.json"), join(scratch, "biome.json"));
    for (const [path, source] of PROBES) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), `${source}\n`);
    }
    const run = spawnSync(
      biome,
      ["lint", "--vcs-enabled=false", "--reporter=json", "--max-diagnostics=none", "."],
      { cwd: scratch, encoding: "utf8" },
    );
    if (run.error) throw run.error;
    const report = JSON.parse(run.stdout);
    const rulesByFile = new Map();
    for (const diagnostic of report.diagnostics ?? []) {
      const file = diagnostic.location?.path?.file ?? diagnostic.location?.path;
      const rule = String(diagnostic.category ?? "")
        .split("/")
        .at(-1);
      if (typeof file !== "string") continue;
      const rules = rulesByFile.get(file) ?? new Set();
      rules.add(rule);
      rulesByFile.set(file, rules);
    }
    for (const [path, , rule] of PROBES) {
      const found = rulesByFile.get(path) ?? new Set();
      const boundary = [...found].filter(
        (r) => r === "noRestrictedImports" || r === "noProcessEnv",
      );
      if (rule === undefined && boundary.length > 0) {
        problems.push(`${path}: refused by ${boundary.join(", ")}, but that layer may do it`);
      } else if (rule !== undefined && !found.has(rule)) {
        problems.push(`${path}: not refused by ${rule}: the boundary rule no longer matches it`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

checkManifests();
checkProbes();
if (problems.length > 0) {
  for (const problem of problems) console.error(`boundaries: ${problem}`);
  process.exit(1);
}
console.log(
  `boundaries: ${PROBES.length} probes and ${Object.keys(MANIFESTS).length} manifests hold the layering`,
);
