// Bundle the CLI into dist/: main.js (the `deltaglider` and `dg` bin) and dist/chunks/, one
// chunk per lazily imported part (the SDK and AWS SDK, the codecs, the Ink screens). Node then
// resolves and reads a handful of files at start-up instead of several hundred.
//   node scripts/bundle.mjs        (run by `pnpm build` after `tsc -b` has type-checked)
//
// Bundled: our code, the workspace packages and the pure-JS dependencies under them (the AWS
// SDK above all). Left to node_modules: yargs, ink and react, the CLI's own dependencies, which
// read files beside their modules at run time (yargs its locales; ink its package.json).
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const chunks = join(dist, "chunks");

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
  external: ["yargs", "yargs/*", "ink", "react", "react/*", "react-devtools-core"],
  // CommonJS modules inside the bundle call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __dgCreateRequire } from "node:module";\nconst require = __dgCreateRequire(import.meta.url);',
  },
  plugins: [inlineVersions],
  metafile: true,
  logLevel: "warning",
});

// The xz decoder (node-liblzma, under @dg/xdelta) loads its WebAssembly from beside its module:
// copy it beside each chunk that holds that module.
let copied = 0;
for (const [out, { inputs }] of Object.entries(result.metafile.outputs)) {
  const lzma = Object.keys(inputs).find((input) =>
    /node-liblzma[\\/]lib[\\/]wasm[\\/]/.test(input),
  );
  if (lzma === undefined) continue;
  await copyFile(
    join(root, dirname(lzma), "liblzma.wasm"),
    join(root, dirname(out), "liblzma.wasm"),
  );
  copied += 1;
}
if (copied === 0)
  throw new Error("bundle: no chunk holds the xz decoder; where is liblzma.wasm loaded?");
