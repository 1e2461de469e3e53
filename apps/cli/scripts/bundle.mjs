// Bundle the CLI into dist/: main.js (the `deltaglider` and `dg` bin) and dist/chunks/, one
// chunk per lazily imported part (the SDK and AWS SDK, the codecs, the Ink screens). Node then
// resolves and reads a handful of files at start-up instead of several hundred.
//   node scripts/bundle.mjs        (run by `pnpm build` after `tsc -b` has type-checked)
//
// Bundled: our code, yargs, the workspace packages and the pure-JS dependencies under them (the
// AWS SDK above all). Left to node_modules: ink and react, loaded only to draw a screen (ink
// reads its package.json beside its modules). Two packages read files beside their modules at
// run time; those files are copied beside the chunk that holds them: yargs its locales, the xz
// decoder its WebAssembly.
import { copyFile, cp, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const chunks = join(dist, "chunks");

/** yargs finds its locales from its own file; in the bundle they sit beside the chunk. */
const YARGS_SHIM = /yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/;
const YARGS_LOCALES = "resolve(__dirname, '../../../locales')";
const yargsLocales = {
  name: "yargs-locales-beside-the-chunk",
  setup(context) {
    context.onLoad({ filter: YARGS_SHIM }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      if (!source.includes(YARGS_LOCALES)) {
        throw new Error(`${path}: yargs no longer finds its locales with ${YARGS_LOCALES}`);
      }
      // `__dirname` is that module's file there: its folder, then yargs-locales/.
      return {
        contents: source.replace(YARGS_LOCALES, "resolve(__dirname, '..', 'yargs-locales')"),
        loader: "js",
      };
    });
  },
};

/**
 * Our `version` modules read `../package.json` beside their own file, which a bundle moves:
 * inline the version of the package that owns the module instead.
 */
const inlineVersions = {
  name: "inline-package-versions",
  setup(context) {
    context.onLoad({ filter: /[\\/]version\.(ts|js)$/ }, async ({ path }) => {
      if (path.includes("node_modules")) return undefined;
      const source = await readFile(path, "utf8");
      if (!source.includes('"../package.json"')) return undefined;
      const name = /export const (\w+)/.exec(source)?.[1];
      if (!name) throw new Error(`${path}: no exported version constant`);
      const manifest = JSON.parse(await readFile(join(dirname(path), "../package.json"), "utf8"));
      return {
        contents: `export const ${name} = ${JSON.stringify(manifest.version)};\n`,
        loader: "js",
      };
    });
  },
};

// dist/types/ is tsc's (declarations only); the JavaScript is all ours.
await rm(join(dist, "main.js"), { force: true });
await rm(chunks, { recursive: true, force: true });
await rm(join(dist, "yargs-locales"), { recursive: true, force: true });
await mkdir(chunks, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: "src/main.ts" },
  outdir: dist,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // The ES module builds where packages ship both (the AWS SDK's dist-es): only the commands
  // and helpers we use end up in the bundle, without CommonJS wrappers.
  mainFields: ["module", "main"],
  jsx: "automatic",
  external: ["ink", "react", "react/*", "react-devtools-core"],
  // CommonJS modules inside the bundle call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __dgCreateRequire } from "node:module";\nconst require = __dgCreateRequire(import.meta.url);',
  },
  plugins: [inlineVersions, yargsLocales],
  metafile: true,
  logLevel: "warning",
});

/** Copy `copy(input)` beside every output chunk with an input matching `pattern`; how many. */
async function besideChunks(pattern, copy) {
  let copied = 0;
  for (const [out, { inputs }] of Object.entries(result.metafile.outputs)) {
    const input = Object.keys(inputs).find((name) => pattern.test(name));
    if (input === undefined) continue;
    await copy(join(root, input), join(root, dirname(out)));
    copied += 1;
  }
  return copied;
}

const wasm = await besideChunks(/node-liblzma[\\/]lib[\\/]wasm[\\/]/, (input, folder) =>
  copyFile(join(dirname(input), "liblzma.wasm"), join(folder, "liblzma.wasm")),
);
if (wasm === 0) throw new Error("bundle: no chunk holds the xz decoder (node-liblzma)");
const locales = await besideChunks(YARGS_SHIM, (input, folder) =>
  cp(join(dirname(input), "../../locales"), join(folder, "yargs-locales"), { recursive: true }),
);
if (locales === 0) throw new Error("bundle: no chunk holds yargs");
// The archive codec starts its deflate workers from `./deflate-worker.js` beside the module
// that holds its pool: bundle that script on its own and put it beside that chunk.
const workers = await besideChunks(
  /archive[\\/](src|dist)[\\/]deflate-pool\.(ts|js)$/,
  (_input, folder) =>
    build({
      absWorkingDir: root,
      entryPoints: [join(root, "../../packages/archive/src/deflate-worker.ts")],
      outfile: join(folder, "deflate-worker.js"),
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      mainFields: ["module", "main"],
      banner: {
        js: 'import { createRequire as __dgCreateRequire } from "node:module";\nconst require = __dgCreateRequire(import.meta.url);',
      },
      logLevel: "warning",
    }),
);
if (workers === 0) throw new Error("bundle: no chunk holds the archive codec's deflate pool");
