import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createRng } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createWorkspace,
  releaseVersions,
  sha256,
  uniqueBucket,
  type Workspace,
} from "./harness.js";

let ws: Workspace;
const bucket = uniqueBucket("moto");

beforeAll(async () => {
  ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
  const made = await ws.run(["mb", `s3://${bucket}`]);
  expect(made.code, made.stderr).toBe(0);
});
afterAll(async () => {
  await ws.cleanup();
});

/** Seeded text, compressible like real sources, changed a little per version. */
function sourceText(version: number): string {
  const rng = createRng(99);
  const words = ["alpha", "beta", "gamma", "delta", "omega", "lambda", "sigma", "kappa"];
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i += 1) {
    const line = Array.from({ length: 8 }, () => rng.pick(words)).join(" ");
    lines.push(i % 997 === version ? `${line} changed-in-${version}` : line);
  }
  return lines.join("\n");
}

describe("against moto", () => {
  it("lists the bucket, uploads, lists with original sizes, removes", async () => {
    const buckets = await ws.run(["ls"]);
    expect(buckets.stdout).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${bucket}$`, "m"),
    );
    const [v1, v2] = releaseVersions("moto", 200_000, 2);
    await ws.write("v1.zip", v1 as Uint8Array);
    await ws.write("v2.zip", v2 as Uint8Array);
    expect((await ws.run(["cp", "v1.zip", `s3://${bucket}/app/`])).code).toBe(0);
    const second = await ws.run(["cp", "v2.zip", `s3://${bucket}/app/`]);
    expect(second.stdout).toContain("(delta: ");
    const listing = await ws.run(["ls", `s3://${bucket}/app/`]);
    expect(listing.code).toBe(0);
    const lines = listing.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {5}200000 v[12]\.zip$/);
    const root = await ws.run(["ls", `s3://${bucket}`]);
    expect(root.stdout).toBe("                           PRE app/\n");
    const rm = await ws.run(["rm", `s3://${bucket}/app/v1.zip`]);
    expect(rm.stdout).toBe(`delete: s3://${bucket}/app/v1.zip\n`);
    const back = await ws.run(["cp", `s3://${bucket}/app/v2.zip`, "back.zip"]);
    expect(back.code).toBe(0);
    expect(sha256(await ws.read("back.zip"))).toBe(sha256(v2 as Uint8Array));
  });

  it("lists past 1,000 keys (no cap), with --summarize", async () => {
    const client = ws.client();
    const keys = Array.from({ length: 1010 }, (_, i) => `many/f${String(i).padStart(4, "0")}.txt`);
    for (let at = 0; at < keys.length; at += 50) {
      await Promise.all(
        keys.slice(at, at + 50).map((Key) => client.putObject({ Bucket: bucket, Key, Body: "x" })),
      );
    }
    const result = await ws.run(["ls", `s3://${bucket}/many/`, "--summarize"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.filter((line) => line.endsWith(".txt"))).toHaveLength(1010);
    expect(lines.at(-2)).toBe("Total Objects: 1010");
    expect(lines.at(-1)).toBe("   Total Size: 1010");
    const recursive = await ws.run(["ls", "-r", `s3://${bucket}/`]);
    expect(recursive.stdout).toContain(" many/f1009.txt\n");
  });

  it("never writes outside the destination on a recursive download", async () => {
    const evil = [
      "dl/x/../../escaped.txt",
      "dl//etc/passwd-copy",
      "dl/..\\win.txt",
      "dl/../up.txt",
    ];
    for (const Key of [...evil, "dl/ok.txt"]) {
      await ws.store().putObject(bucket, Key, new TextEncoder().encode(Key), {});
    }
    const dry = await ws.run(["cp", "-r", `s3://${bucket}/dl/`, "safe/inner", "--dryrun"]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toBe(`(dryrun) download: s3://${bucket}/dl/ok.txt to safe/inner/ok.txt\n`);
    expect(dry.stderr).toMatch(/download failed: .*Refusing to write/);
    const result = await ws.run(["cp", "-r", `s3://${bucket}/dl/`, "safe/inner"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("download: s3://");
    expect(result.stderr).toMatch(/download failed: .*Refusing to write/);
    expect(await readdir(join(ws.cwd, "safe"))).toEqual(["inner"]);
    expect(await readdir(join(ws.cwd, "safe", "inner"))).toEqual(["ok.txt"]);
    expect((await readdir(ws.cwd)).sort()).not.toContain("escaped.txt");
    expect((await readdir(ws.cwd)).sort()).not.toContain("up.txt");
  });

  it.each(["builtin", "xdelta3"])(
    "round-trips .tgz and .gz files byte-exact with the %s engine",
    async (engine) => {
      const env = { DG_DELTA_ENGINE: engine };
      const files: [string, Uint8Array][] = [];
      for (const version of [1, 2, 3]) {
        const text = sourceText(version);
        files.push([`gz-${engine}/pkg-${version}.tgz`, gzipSync(text, { level: 9 })]);
        files.push([`gz-${engine}/data-${version}.gz`, gzipSync(text, { level: 1 })]);
      }
      for (const [name, bytes] of files) await ws.write(name, bytes);
      const up = await ws.run(["cp", "-r", `gz-${engine}`, `s3://${bucket}/gz-${engine}/`], {
        env,
      });
      expect(up.code, up.stderr).toBe(0);
      const down = await ws.run(["cp", "-r", `s3://${bucket}/gz-${engine}/`, `gz-back-${engine}`], {
        env,
      });
      expect(down.code, down.stderr).toBe(0);
      for (const [name, bytes] of files) {
        const back = await ws.read(name.replace(`gz-${engine}/`, `gz-back-${engine}/`));
        expect(sha256(back), name).toBe(sha256(bytes));
      }
    },
  );

  it("writes archive-aware deltas for zlib .tgz files, and plain VCDIFF with --compat", async () => {
    for (const version of [1, 2]) {
      await ws.write(`arc/pkg-${version}.tgz`, gzipSync(sourceText(version), { level: 9 }));
    }
    for (const [folder, extra] of [
      ["default", []],
      ["compat", ["--compat", "--max-ratio", "1"]],
    ] as const) {
      for (const version of [1, 2]) {
        // One reference per folder: the plain VCDIFF delta is far above the new-reference
        // ratio, and pkg-2 would otherwise become a reference of its own (a zero-diff delta).
        const up = await ws.run(
          ["cp", ...extra, `arc/pkg-${version}.tgz`, `s3://${bucket}/arc-${folder}/`],
          { env: { DG_MAX_REFERENCES: "1" } },
        );
        expect(up.code, up.stderr).toBe(0);
      }
    }
    const store = ws.store();
    const ours = await store.headObject(bucket, "arc-default/pkg-2.tgz.delta");
    const compat = await store.headObject(bucket, "arc-compat/pkg-2.tgz.delta");
    expect(ours?.metadata["dg-delta-format"]).toMatch(/^dg-archive\//);
    expect(compat?.metadata["dg-delta-format"]).toBeUndefined();
    expect(compat?.metadata["dg-ref-key"]).toBe("arc-compat/reference.bin");
    expect(ours?.size ?? 0).toBeLessThan((compat?.size ?? 0) / 2);
    for (const folder of ["default", "compat"]) {
      const down = await ws.run([
        "cp",
        `s3://${bucket}/arc-${folder}/pkg-2.tgz`,
        `arc-${folder}.tgz`,
      ]);
      expect(down.code, down.stderr).toBe(0);
      expect(sha256(await ws.read(`arc-${folder}.tgz`))).toBe(
        sha256(gzipSync(sourceText(2), { level: 9 })),
      );
    }
  });

  it("two concurrent cp into a new folder leave one reference and both files intact", async () => {
    const [a, b] = releaseVersions("race", 250_000, 2);
    await ws.write("race/a.zip", a as Uint8Array);
    await ws.write("race/b.zip", b as Uint8Array);
    const [first, second] = await Promise.all([
      ws.run(["cp", "race/a.zip", `s3://${bucket}/race/`]),
      ws.run(["cp", "race/b.zip", `s3://${bucket}/race/`]),
    ]);
    expect(first?.code, first?.stderr).toBe(0);
    expect(second?.code, second?.stderr).toBe(0);
    const raw = await ws.store().listObjects(bucket, { prefix: "race/" });
    expect(raw.objects.filter((o) => o.key.endsWith("reference.bin")).map((o) => o.key)).toEqual([
      "race/reference.bin",
    ]);
    for (const [name, bytes] of [
      ["a.zip", a],
      ["b.zip", b],
    ] as const) {
      const back = await ws.run(["cp", `s3://${bucket}/race/${name}`, `race-back/${name}`]);
      expect(back.code, back.stderr).toBe(0);
      expect(sha256(await ws.read(`race-back/${name}`))).toBe(sha256(bytes as Uint8Array));
    }
  });

  it("rm -r removes a folder and its reference; rb refuses a full bucket, --force empties it", async () => {
    const dry = await ws.run(["rm", "-r", `s3://${bucket}/race/`, "--dryrun"]);
    expect(dry.stdout.trim().split("\n").sort()).toEqual([
      `(dryrun) delete: s3://${bucket}/race/a.zip`,
      `(dryrun) delete: s3://${bucket}/race/b.zip`,
    ]);
    const removed = await ws.run(["rm", "-r", `s3://${bucket}/race/`]);
    expect(removed.code).toBe(0);
    const raw = await ws.store().listObjects(bucket, { prefix: "race/" });
    expect(raw.objects).toEqual([]);
    const other = uniqueBucket("rb");
    await ws.run(["mb", `s3://${other}`]);
    await ws.write("rb.txt", "x");
    await ws.run(["cp", "rb.txt", `s3://${other}/`]);
    const refused = await ws.run(["rb", `s3://${other}`]);
    expect(refused.code).toBe(1);
    const forced = await ws.run(["rb", `s3://${other}`, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`remove_bucket: ${other}`);
  });

  it("presign links a delta-stored file through a rebuilt copy that a plain GET downloads", async () => {
    const [v1, v2] = releaseVersions("presign", 150_000, 2);
    await ws.write("p1.zip", v1 as Uint8Array);
    await ws.write("p2.zip", v2 as Uint8Array);
    expect((await ws.run(["cp", "p1.zip", `s3://${bucket}/links/`])).code).toBe(0);
    expect((await ws.run(["cp", "p2.zip", `s3://${bucket}/links/`])).stdout).toContain("(delta: ");
    const signed = await ws.run(["presign", `s3://${bucket}/links/p2.zip`, "--expires-in", "300"]);
    expect(signed.code, signed.stderr).toBe(0);
    const url = signed.stdout.trim();
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("300");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(v2 as Uint8Array));
    const copies = await ws.store().listObjects(bucket, { prefix: ".deltaglider/tmp/" });
    expect(copies.objects.map((o) => o.key)).toEqual([
      expect.stringMatching(/^\.deltaglider\/tmp\/[0-9a-f]{32}_p2\.zip$/),
    ]);
    const refused = await ws.run(["presign", `s3://${bucket}/links/p2.zip`, "--no-rehydrate"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/stored as a delta/);
    const bad = await ws.run(["presign", `s3://${bucket}/links/p2.zip`, "--expires-in", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--expires-in");
  });

  it("syncs both ways, verifies, analyzes and caches stats on S3", async () => {
    const [a, b] = releaseVersions("moto-sync", 150_000, 2);
    await ws.write("tree/a.zip", a as Uint8Array);
    await ws.write("tree/sub/b.zip", b as Uint8Array);
    const up = await ws.run(["sync", "tree", `s3://${bucket}/synced/`]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim().split("\n")).toHaveLength(2);
    expect((await ws.run(["sync", "tree", `s3://${bucket}/synced/`])).stdout).toBe("");
    const down = await ws.run(["sync", `s3://${bucket}/synced/`, "tree-back"]);
    expect(down.code, down.stderr).toBe(0);
    expect(sha256(await ws.read("tree-back/sub/b.zip"))).toBe(sha256(b as Uint8Array));
    expect((await ws.run(["sync", `s3://${bucket}/synced/`, "tree-back"])).stdout).toBe("");

    const verified = await ws.run(["verify", "-r", `s3://${bucket}/synced/`]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(
      `verified: s3://${bucket}/synced/sub/b.zip (sha256 ${sha256(b as Uint8Array)}`,
    );

    const first = JSON.parse((await ws.run(["stats", `s3://${bucket}/synced/`, "--json"])).stdout);
    const second = JSON.parse((await ws.run(["stats", `s3://${bucket}/synced/`, "--json"])).stdout);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.objectCount).toBe(2);

    for (const [i, bytes] of releaseVersions("moto-plain", 150_000, 3).entries()) {
      await ws.store().putObject(bucket, `plain/app-${i}.zip`, bytes, {});
    }
    const estimate = await ws.run(["analyze", `s3://${bucket}/plain/`, "--json"]);
    expect(estimate.code, estimate.stderr).toBe(0);
    expect(JSON.parse(estimate.stdout).estimatedSavingsPercent).toBeGreaterThan(40);
  });

  it("answers stats from the cache until another tool writes the bucket; names a missing one", async () => {
    const statsBucket = uniqueBucket("moto-stats");
    expect((await ws.run(["mb", `s3://${statsBucket}`])).code).toBe(0);
    const text = (i: number) => new TextEncoder().encode(`object ${i}\n`);
    for (let i = 0; i < 3; i += 1) {
      await ws.store().putObject(statsBucket, `d/${i}.txt`, text(i), {});
    }
    const stats = async () => {
      const result = await ws.run(["stats", statsBucket, "--json"]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { cached: boolean; objectCount: number };
    };
    expect(await stats()).toMatchObject({ cached: false, objectCount: 3 });
    expect(await stats()).toMatchObject({ cached: true, objectCount: 3 });
    // Written behind deltaglider's back: the listing's fingerprint changes.
    await ws.store().putObject(statsBucket, "d/3.txt", text(3), {});
    expect(await stats()).toMatchObject({ cached: false, objectCount: 4 });
    expect(await stats()).toMatchObject({ cached: true, objectCount: 4 });

    const missing = uniqueBucket("moto-stats-missing");
    const result = await ws.run(["stats", missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`deltaglider: error: Bucket not found: s3://${missing}`);
  });

  it("uses --profile from the shared credentials file, and prints no SDK warnings", async () => {
    const credentials = join(ws.root, "home", "profile-credentials");
    await writeFile(
      credentials,
      "[builds]\naws_access_key_id = AKIDBUILDS\naws_secret_access_key = builds-secret\n",
    );
    const env = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    };
    const ok = await ws.run(["ls", "--profile", "builds"], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toContain(bucket);
    const fromEnv = await ws.run(["ls"], { env: { ...env, DG_PROFILE: "builds" } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    const missing = await ws.run(["ls", "--profile", "nobody"], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^deltaglider: error: .*credentials.*\n {2}hint: /);
  });

  it("creates a bucket in --region, removes with filters, and prints plain lines with --no-progress", async () => {
    const regional = uniqueBucket("region");
    const made = await ws.run(["mb", `s3://${regional}`, "--region", "eu-west-1"]);
    expect(made.code, made.stderr).toBe(0);
    const location = await fetch(`${inject("s3Endpoint")}/${regional}?location`).then((r) =>
      r.text(),
    );
    expect(location).toContain("eu-west-1");

    await ws.write("filtered/a.zip", "a");
    await ws.write("filtered/b.keep", "b");
    await ws.write("filtered/c.zip", "c");
    const up = await ws.run(["cp", "-r", "filtered", `s3://${bucket}/filtered/`, "--no-progress"]);
    expect(up.code, up.stderr).toBe(0);
    expect(
      up.stdout
        .trim()
        .split("\n")
        .map((line) => line.replace(/ \(.*\)$/, ""))
        .sort(),
    ).toEqual([
      `upload: filtered/a.zip to s3://${bucket}/filtered/a.zip`,
      `upload: filtered/b.keep to s3://${bucket}/filtered/b.keep`,
      `upload: filtered/c.zip to s3://${bucket}/filtered/c.zip`,
    ]);
    const removed = await ws.run(["rm", "-r", `s3://${bucket}/filtered/`, "--exclude", "*.keep"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout.trim().split("\n").sort()).toEqual([
      `delete: s3://${bucket}/filtered/a.zip`,
      `delete: s3://${bucket}/filtered/c.zip`,
    ]);
    const left = await ws.run(["ls", `s3://${bucket}/filtered/`]);
    expect(left.stdout).toMatch(/ b\.keep\n$/);
  });
});
