import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, releaseVersions, sha256, type Workspace } from "./harness.js";

let ws: Workspace;
const versions = releaseVersions("cp", 300_000, 3);

beforeAll(async () => {
  ws = await createWorkspace();
  expect((await ws.run(["mb", "s3://rel"])).stdout).toBe("make_bucket: rel\n");
  for (const [i, bytes] of versions.entries()) await ws.write(`dist/app-1.${i}.zip`, bytes);
  await ws.write("dist/README.txt", "read me\n");
  await ws.write("dist/sub/notes.md", "# notes\n");
});
afterAll(async () => {
  await ws.cleanup();
});

describe("cp local → S3", () => {
  it("writes into the folder named by a trailing slash (a/b/, not a/)", async () => {
    const result = await ws.run(["cp", "dist/app-1.0.zip", "s3://rel/a/b/"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "upload: dist/app-1.0.zip to s3://rel/a/b/app-1.0.zip (reference: 293.0 KiB)\n",
    );
    const head = await ws.client().headObject({ Bucket: "rel", Key: "a/b/app-1.0.zip" });
    expect(head.ContentLength).toBe(300_000);
    await expect(ws.client().headObject({ Bucket: "rel", Key: "a/app-1.0.zip" })).rejects.toThrow();
  });

  it("stores a later version as a small delta and says what it saved", async () => {
    const result = await ws.run(["cp", "dist/app-1.1.zip", "s3://rel/a/b/"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^upload: dist\/app-1\.1\.zip to s3:\/\/rel\/a\/b\/app-1\.1\.zip \(delta: [\d.]+ (Bytes|KiB), 9\d\.\d% saved\)\n$/,
    );
  });

  it("renames to a destination key, and shows ./ for files in the working folder", async () => {
    await ws.write("here.zip", versions[2] as Uint8Array);
    const result = await ws.run(["cp", "here.zip", "s3://rel/a/b/renamed.zip"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^upload: \.\/here\.zip to s3:\/\/rel\/a\/b\/renamed\.zip \(delta/,
    );
  });

  it("stores whole with --no-delta and when the delta is over --max-ratio", async () => {
    const noDelta = await ws.run(["cp", "dist/app-1.2.zip", "s3://rel/whole/", "--no-delta"]);
    expect(noDelta.stdout).toContain("(direct: 293.0 KiB, --no-delta)");
    await ws.write("other/x.zip", versions[0] as Uint8Array);
    await ws.run(["cp", "other/x.zip", "s3://rel/ratio/"]);
    await ws.write("other/y.zip", releaseVersions("unrelated", 300_000, 1)[0] as Uint8Array);
    const ratio = await ws.run(["cp", "other/y.zip", "s3://rel/ratio/", "--max-ratio", "0.1"]);
    expect(ratio.code).toBe(0);
    expect(ratio.stdout).toContain("(direct: 293.0 KiB, delta over --max-ratio)");
  });

  it("prints nothing with --quiet and only (dryrun) lines with --dryrun", async () => {
    const quiet = await ws.run(["cp", "dist/README.txt", "s3://rel/q/", "--quiet"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    const dry = await ws.run(["cp", "dist/README.txt", "s3://rel/dry/", "--dryrun"]);
    expect(dry.stdout).toBe("(dryrun) upload: dist/README.txt to s3://rel/dry/README.txt\n");
    const listing = await ws.run(["ls", "s3://rel/dry/"]);
    expect(listing.stdout).toBe("");
  });

  it("fails with exit 1 on a missing local file and on an unknown bucket", async () => {
    const missing = await ws.run(["cp", "nope.zip", "s3://rel/"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /deltaglider: error: The local path does not exist: nope\.zip\n {2}hint: /,
    );
    const bucket = await ws.run(["cp", "dist/README.txt", "s3://no-such-bucket/"]);
    expect(bucket.code).toBe(1);
    expect(bucket.stderr).toMatch(
      /upload failed: dist\/README\.txt to s3:\/\/no-such-bucket\/README\.txt: .*not found/i,
    );
  });

  it("refuses a folder without --recursive (usage error)", async () => {
    const result = await ws.run(["cp", "dist", "s3://rel/"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--recursive");
  });
});

describe("cp -r", () => {
  it("uploads a folder with aws filter rules, in parallel", async () => {
    const result = await ws.run([
      "cp",
      "-r",
      "dist",
      "s3://rel/tree",
      "--exclude",
      "*",
      "--include",
      "*.zip",
      "--include",
      "sub/*",
      "--exclude",
      "app-1.2*",
      "--concurrency",
      "3",
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n").sort();
    expect(lines.map((line) => line.replace(/ \(.*\)$/, ""))).toEqual([
      "upload: dist/app-1.0.zip to s3://rel/tree/app-1.0.zip",
      "upload: dist/app-1.1.zip to s3://rel/tree/app-1.1.zip",
      "upload: dist/sub/notes.md to s3://rel/tree/sub/notes.md",
    ]);
  });

  it("downloads a prefix into a folder, rebuilding every file exactly", async () => {
    const result = await ws.run(["cp", "-r", "s3://rel/tree/", "back"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n").sort()).toEqual([
      "download: s3://rel/tree/app-1.0.zip to back/app-1.0.zip",
      "download: s3://rel/tree/app-1.1.zip to back/app-1.1.zip",
      "download: s3://rel/tree/sub/notes.md to back/sub/notes.md",
    ]);
    expect(sha256(await ws.read("back/app-1.1.zip"))).toBe(sha256(versions[1] as Uint8Array));
    expect((await ws.read("back/sub/notes.md")).toString()).toBe("# notes\n");
  });

  it("copies S3 → S3 by rebuilding files (a delta source becomes a delta at the destination)", async () => {
    const result = await ws.run(["cp", "-r", "s3://rel/tree/", "s3://rel/copied/"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /copy: s3:\/\/rel\/tree\/app-1\.1\.zip to s3:\/\/rel\/copied\/app-1\.1\.zip \((delta|reference)/,
    );
    const back = await ws.run(["cp", "s3://rel/copied/app-1.1.zip", "copied.zip"]);
    expect(back.code).toBe(0);
    expect(sha256(await ws.read("copied.zip"))).toBe(sha256(versions[1] as Uint8Array));
    const single = await ws.run(["cp", "s3://rel/copied/app-1.0.zip", "s3://rel/single/"]);
    expect(single.stdout).toMatch(
      /^copy: s3:\/\/rel\/copied\/app-1\.0\.zip to s3:\/\/rel\/single\/app-1\.0\.zip/,
    );
  });
});

describe("cp -r / sync S3 → local, a key that is also a folder", () => {
  it("refuses both keys of a file/folder clash instead of writing a/a (exit 1)", async () => {
    const client = ws.client();
    await client.putObject({ Bucket: "rel", Key: "clash/a", Body: "file a" });
    await client.putObject({ Bucket: "rel", Key: "clash/a/b", Body: "file a/b" });
    await client.putObject({ Bucket: "rel", Key: "clash/c", Body: "file c" });
    for (const command of ["cp", "sync"]) {
      const out = `clash-${command}`;
      const args =
        command === "cp" ? ["cp", "-r", "s3://rel/clash/", out] : ["sync", "s3://rel/clash/", out];
      const result = await ws.run(args);
      expect(result.code, command).toBe(1);
      expect(result.stderr).toMatch(
        /download failed: s3:\/\/rel\/clash\/a to .*needs the folder a/,
      );
      expect(result.stderr).toMatch(/download failed: s3:\/\/rel\/clash\/a\/b to /);
      expect(result.stdout).toBe(`download: s3://rel/clash/c to ${out}/c\n`);
      expect(await readdir(join(ws.cwd, out))).toEqual(["c"]);
    }
  });
});

describe("cp S3 → local", () => {
  it("downloads into an existing folder or to a file name, verified", async () => {
    const intoDot = await ws.run(["cp", "s3://rel/a/b/app-1.1.zip", "."]);
    expect(intoDot.code).toBe(0);
    expect(intoDot.stdout).toBe("download: s3://rel/a/b/app-1.1.zip to ./app-1.1.zip\n");
    expect(sha256(await ws.read("app-1.1.zip"))).toBe(sha256(versions[1] as Uint8Array));
    const named = await ws.run(["cp", "s3://rel/a/b/app-1.0.zip", "out/named.zip"]);
    expect(named.code).toBe(0);
    expect(sha256(await ws.read("out/named.zip"))).toBe(sha256(versions[0] as Uint8Array));
  });

  it("fails with exit 1 on a missing object, leaving nothing behind", async () => {
    const result = await ws.run(["cp", "s3://rel/a/b/none.zip", "gone/x/y/"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/download failed: s3:\/\/rel\/a\/b\/none\.zip/);
    // Not even the folders named by the destination are created.
    await expect(stat(join(ws.cwd, "gone"))).rejects.toThrow();
  });

  it("fails with exit 1 on a corrupt delta and leaves no file", async () => {
    const client = ws.client();
    await client.putObject({ Bucket: "rel", Key: "bad/v1.zip", Body: versions[0] as Uint8Array });
    await client.putObject({ Bucket: "rel", Key: "bad/v2.zip", Body: versions[1] as Uint8Array });
    const head = await client.headObject({ Bucket: "rel", Key: "bad/v2.zip" });
    const storedKey = head.DeltaGliderInfo.StoredKey;
    expect(storedKey).toBe("bad/v2.zip.delta");
    const raw = await ws.store().getObject("rel", storedKey);
    const chunks: Uint8Array[] = [];
    for await (const chunk of raw.body) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    // Flip bits in the middle of the delta: the rebuilt file cannot match its SHA-256.
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] as number) ^ 0xff;
    await ws.store().putObject("rel", storedKey, bytes, { metadata: raw.info.metadata });
    const result = await ws.run(["cp", "s3://rel/bad/v2.zip", "corrupt/"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/download failed: s3:\/\/rel\/bad\/v2\.zip/);
    const left = await readdir(join(ws.cwd, "corrupt")).catch(() => []);
    expect(left).toEqual([]);
  });

  it("refuses to download a folder without --recursive", async () => {
    const result = await ws.run(["cp", "s3://rel/a/b/", "x"]);
    expect(result.code).toBe(2);
  });
});
