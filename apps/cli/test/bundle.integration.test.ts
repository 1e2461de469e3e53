import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, createWorkspace, sha256, type Workspace } from "./harness.js";

// The Python tool's bucket, kept in the repository under fixtures/.
const FIXTURE = fileURLToPath(
  new URL("../../../fixtures/interop-python-deltaglider/", import.meta.url),
);

interface FixtureObject {
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
}

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => {
  await ws.cleanup();
});

describe("the bundled CLI (dist/main.js and dist/chunks/)", () => {
  it("is a node script that prints the version of its package.json", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version: string; bin: Record<string, string> };
    expect(Object.values(manifest.bin)).toEqual(["./dist/main.js", "./dist/main.js"]);
    // The flags keep Node 20 from hanging at exit (packages/xdelta/src/cli/node-flags.ts) and
    // a long listing's memory flat (apps/cli/src/main.ts).
    expect(
      (await readFile(CLI_MAIN, "utf8")).startsWith(
        "#!/usr/bin/env -S node --no-concurrent-recompilation --max-semi-space-size=8\n",
      ),
    ).toBe(true);
    const result = await ws.run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`deltaglider ${manifest.version}\n`);
  });

  it("prints yargs' own words in the user's language, as an unbundled yargs does", async () => {
    const german = JSON.parse(
      await readFile(join(dirname(CLI_MAIN), "yargs-locales", "de.json"), "utf8"),
    ) as Record<string, string>;
    expect(german["Commands:"]).toBe("Kommandos:");
    const help = await ws.run(["--help"], { env: { LANG: "de_DE.UTF-8" } });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("\nKommandos:\n");
    const english = await ws.run(["--help"], { env: { LANG: "C" } });
    expect(english.stdout).toContain("\nCommands:\n");
  });

  it("rebuilds the Python tool's LZMA-compressed deltas (the xz WebAssembly ships in the chunks)", async () => {
    expect(await readdir(join(dirname(CLI_MAIN), "chunks"))).toContain("liblzma.wasm");
    const manifest = JSON.parse(await readFile(join(FIXTURE, "bucket.json"), "utf8")) as {
      objects: FixtureObject[];
    };
    const store = ws.store();
    await store.createBucket("pyinterop");
    for (const object of manifest.objects) {
      await store.putObject(
        "pyinterop",
        object.key,
        await readFile(join(FIXTURE, "objects", object.key)),
        {
          metadata: object.metadata,
          ...(object.contentType === undefined ? {} : { contentType: object.contentType }),
        },
      );
    }
    const result = await ws.run(["cp", "-r", "s3://pyinterop/releases/demo/", "demo/"]);
    expect(result.code, result.stderr).toBe(0);
    for (const name of ["demo-1.0.0.zip", "demo-1.0.1.zip", "demo-1.0.2.zip", "other-9.9.9.zip"]) {
      const original = await readFile(join(FIXTURE, "originals", name));
      expect(sha256(await ws.read(`demo/${name}`)), name).toBe(sha256(original));
    }
  });
});
