import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { createRng, seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "./harness.js";

// A .tgz the Python DeltaGlider stored: its delta is what `xdelta3 -e -9 -s reference.bin
// v2.tgz v2.tgz.delta` makes of two gzip files, i.e. a delta over their decompressed content
// (xdelta3's external recompression), which cannot rebuild the original bytes.
const run = promisify(execFile);
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const rng = createRng(71);
const v1Content = seededBytes("tgz-content", 120_000);
const cut = rng.int(40_000, 80_000);
const v2Content = Buffer.concat([
  v1Content.subarray(0, cut),
  seededBytes("tgz-edit", 700),
  v1Content.subarray(cut),
]);
const v1 = gzipSync(v1Content, { level: 6 });
const v2 = gzipSync(v2Content, { level: 9 });

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
  const folder = join(ws.root, "python");
  await run("mkdir", ["-p", folder]);
  await writeFile(join(folder, "reference.bin"), v1);
  await writeFile(join(folder, "v2.tgz"), v2);
  await run("xdelta3", ["-e", "-9", "-s", "reference.bin", "v2.tgz", "v2.tgz.delta"], {
    cwd: folder,
  });
  const delta = await readFile(join(folder, "v2.tgz.delta"));
  const store = ws.store();
  await ws.client().createBucket({ Bucket: "py-tgz" });
  const created = "2026-11-25T16:24:08.229384Z";
  await store.putObject("py-tgz", "rel/reference.bin", v1, {
    metadata: {
      "dg-tool": "deltaglider/6.1.2",
      "dg-source-name": "v1.tgz",
      "dg-file-sha256": sha(v1),
      "dg-created-at": created,
      "dg-note": "reference",
    },
  });
  await store.putObject("py-tgz", "rel/v2.tgz.delta", delta, {
    metadata: {
      "dg-tool": "deltaglider/6.1.2",
      "dg-original-name": "v2.tgz",
      "dg-file-sha256": sha(v2),
      "dg-file-size": String(v2.length),
      "dg-created-at": created,
      "dg-ref-key": "rel/reference.bin",
      "dg-ref-sha256": sha(v1),
      "dg-delta-size": String(delta.length),
      "dg-delta-cmd": "xdelta3 -e -9 -s reference.bin v2.tgz v2.tgz.delta",
    },
  });
});

afterAll(async () => {
  await ws.cleanup();
});

describe("a .tgz the Python tool stored over its decompressed content", () => {
  it("is refused by default, with a hint that names the CLI flag", async () => {
    const result = await ws.run(["cp", "s3://py-tgz/rel/v2.tgz", "v2.tgz"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--recover-external-compression");
    expect(result.stderr).not.toContain("recoverExternalCompression");
  });

  it("cp --recover-external-compression rebuilds a content-equal file and says so", async () => {
    const result = await ws.run([
      "cp",
      "s3://py-tgz/rel/v2.tgz",
      "v2.tgz",
      "--recover-external-compression",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("download: s3://py-tgz/rel/v2.tgz to ./v2.tgz");
    expect(result.stdout).toContain("content-equal, NOT byte-identical");
    const rebuilt = await ws.read("v2.tgz");
    expect(gunzipSync(rebuilt).equals(v2Content)).toBe(true);
  });

  it("sync --recover-external-compression does the same for a folder", async () => {
    const result = await ws.run([
      "sync",
      "s3://py-tgz/rel/",
      "synced/",
      "--recover-external-compression",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("content-equal, NOT byte-identical");
    expect(gunzipSync(await ws.read("synced/v2.tgz")).equals(v2Content)).toBe(true);
  });

  it("cp to standard output sends the bytes there and the note to stderr", async () => {
    const result = await ws.run([
      "cp",
      "s3://py-tgz/rel/v2.tgz",
      "-",
      "--recover-external-compression",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("content-equal, NOT byte-identical");
  });

  it("verify fails without the flag and reports content-equal with it", async () => {
    const plain = await ws.run(["verify", "s3://py-tgz/rel/v2.tgz"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("--recover-external-compression");
    const rescued = await ws.run([
      "verify",
      "s3://py-tgz/rel/v2.tgz",
      "--recover-external-compression",
    ]);
    expect(rescued.code).toBe(0);
    expect(rescued.stdout).toMatch(
      /^content-equal: s3:\/\/py-tgz\/rel\/v2\.tgz .*NOT byte-identical/,
    );
  });

  it("the help of cp, sync and verify says the result is content-equal, not byte-identical", async () => {
    for (const command of ["cp", "sync", "verify"]) {
      const help = (await ws.run([command, "--help"])).stdout.replace(/\s+/g, " ");
      expect(help, command).toContain("--recover-external-compression");
      expect(help, command).toContain("CONTENT-EQUAL");
      expect(help, command).toContain("NOT BYTE-IDENTICAL");
    }
  });
});
