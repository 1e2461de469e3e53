import { mkdir, readdir, readFile, stat, symlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, releaseVersions, sha256, type Workspace } from "./harness.js";

let ws: Workspace;
const [v1, v2, v3] = releaseVersions("sync", 120_000, 3) as [Uint8Array, Uint8Array, Uint8Array];
const past = new Date("2001-01-01T00:00:00Z");
const future = new Date("2099-01-01T00:00:00Z");

const lines = (text: string) => text.trim().split("\n").filter(Boolean).sort();

beforeAll(async () => {
  ws = await createWorkspace();
  await ws.run(["mb", "s3://sync"]);
  await ws.write("src/app-1.zip", v1);
  await ws.write("src/app-2.zip", v2);
  await ws.write("src/docs/readme.txt", "hello\n");
  await ws.write("src/skip.tmp", "temporary\n");
});
afterAll(async () => {
  await ws.cleanup();
});

describe("sync local → S3", () => {
  it("uploads everything the first time, nothing the second", async () => {
    const first = await ws.run(["sync", "src", "s3://sync/app/", "--exclude", "*.tmp"]);
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first.stdout).map((line) => line.replace(/ \(.*\)$/, ""))).toEqual([
      "upload: src/app-1.zip to s3://sync/app/app-1.zip",
      "upload: src/app-2.zip to s3://sync/app/app-2.zip",
      "upload: src/docs/readme.txt to s3://sync/app/docs/readme.txt",
    ]);
    const second = await ws.run(["sync", "src", "s3://sync/app/", "--exclude", "*.tmp"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("");
  });

  it("uploads a file whose size changed, or that is newer locally", async () => {
    await ws.write("src/docs/readme.txt", "hello, longer\n");
    const sized = await ws.run(["sync", "src", "s3://sync/app/", "--exclude", "*.tmp"]);
    expect(lines(sized.stdout)).toEqual([
      "upload: src/docs/readme.txt to s3://sync/app/docs/readme.txt (direct: 14 Bytes)",
    ]);
    await utimes(join(ws.cwd, "src/app-1.zip"), future, future);
    const sizeOnly = await ws.run([
      "sync",
      "src",
      "s3://sync/app/",
      "--exclude",
      "*.tmp",
      "--size-only",
    ]);
    expect(sizeOnly.stdout).toBe("");
    const newer = await ws.run(["sync", "src", "s3://sync/app/", "--exclude", "*.tmp"]);
    expect(lines(newer.stdout).map((line) => line.replace(/ \(.*\)$/, ""))).toEqual([
      "upload: src/app-1.zip to s3://sync/app/app-1.zip",
    ]);
    // Back to an ordinary past time: S3's copy is now the newer one.
    await utimes(join(ws.cwd, "src/app-1.zip"), past, past);
    const settled = await ws.run(["sync", "src", "s3://sync/app/", "--exclude", "*.tmp"]);
    expect(settled.stdout).toBe("");
  });

  it("--delete removes what the source lacks, but keeps excluded files", async () => {
    const client = ws.client();
    await client.putObject({ Bucket: "sync", Key: "app/extra.txt", Body: "extra" });
    await client.putObject({ Bucket: "sync", Key: "app/keep.tmp", Body: "kept" });
    const dry = await ws.run([
      "sync",
      "src",
      "s3://sync/app/",
      "--exclude",
      "*.tmp",
      "--delete",
      "--dryrun",
    ]);
    expect(dry.stdout).toBe("(dryrun) delete: s3://sync/app/extra.txt\n");
    const real = await ws.run(["sync", "src", "s3://sync/app/", "--exclude", "*.tmp", "--delete"]);
    expect(real.code).toBe(0);
    expect(real.stdout).toBe("delete: s3://sync/app/extra.txt\n");
    const listing = await ws.run(["ls", "-r", "s3://sync/app/"]);
    expect(listing.stdout).toContain("app/keep.tmp");
    expect(listing.stdout).not.toContain("extra.txt");
  });
});

describe("sync S3 → local", () => {
  it("downloads everything, sets modification times, then has nothing to do", async () => {
    const first = await ws.run(["sync", "s3://sync/app/", "mirror"]);
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first.stdout)).toEqual([
      "download: s3://sync/app/app-1.zip to mirror/app-1.zip",
      "download: s3://sync/app/app-2.zip to mirror/app-2.zip",
      "download: s3://sync/app/docs/readme.txt to mirror/docs/readme.txt",
      "download: s3://sync/app/keep.tmp to mirror/keep.tmp",
    ]);
    expect(sha256(await ws.read("mirror/app-2.zip"))).toBe(sha256(v2));
    const second = await ws.run(["sync", "s3://sync/app/", "mirror"]);
    expect(second.stdout).toBe("");
  });

  it("keeps a local file newer than S3, and refreshes one S3 has newer (not inverted)", async () => {
    // Same size, newer locally: the source (S3) is older, so nothing is fetched.
    await ws.write("mirror/app-1.zip", v3);
    await utimes(join(ws.cwd, "mirror/app-1.zip"), future, future);
    // Same size, older locally: S3 is newer, so it is fetched again.
    await ws.write("mirror/app-2.zip", v3);
    await utimes(join(ws.cwd, "mirror/app-2.zip"), past, past);
    const result = await ws.run(["sync", "s3://sync/app/", "mirror"]);
    expect(lines(result.stdout)).toEqual(["download: s3://sync/app/app-2.zip to mirror/app-2.zip"]);
    expect(sha256(await ws.read("mirror/app-1.zip"))).toBe(sha256(v3));
    expect(sha256(await ws.read("mirror/app-2.zip"))).toBe(sha256(v2));
    const info = await stat(join(ws.cwd, "mirror/app-2.zip"));
    expect(info.mtime.getTime()).toBeGreaterThan(past.getTime());
  });

  it("--delete removes local extras and their empty folders", async () => {
    await ws.write("mirror/old/stale.txt", "stale");
    const result = await ws.run(["sync", "s3://sync/app/", "mirror", "--delete"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("delete: mirror/old/stale.txt\n");
    expect((await readdir(join(ws.cwd, "mirror"))).sort()).toEqual([
      "app-1.zip",
      "app-2.zip",
      "docs",
      "keep.tmp",
    ]);
  });
});

describe("sync S3 → local --delete and symbolic links", () => {
  it("never deletes through a symlinked folder in the destination", async () => {
    await mkdir(join(ws.cwd, "outside"), { recursive: true });
    await ws.write("outside/important.txt", "precious\n");
    await mkdir(join(ws.cwd, "linked"), { recursive: true });
    await symlink(join(ws.cwd, "outside"), join(ws.cwd, "linked/link"));
    const result = await ws.run(["sync", "s3://sync/app/docs/", "linked", "--delete"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("delete:");
    expect(await readFile(join(ws.cwd, "outside/important.txt"), "utf8")).toBe("precious\n");
    expect((await readdir(join(ws.cwd, "linked"))).sort()).toEqual(["link", "readme.txt"]);
  });
});

describe("sync S3 → local with keys that are not already normal paths", () => {
  it("keeps a mirror of w/./y, w/p//q and w/b\\s stable across runs", async () => {
    const client = ws.client();
    for (const key of ["w/./y", "w/p//q", "w/b\\s"]) {
      await client.putObject({ Bucket: "sync", Key: key, Body: `body of ${key}` });
    }
    const first = await ws.run(["sync", "s3://sync/w/", "norm", "--delete"]);
    expect(first.code, first.stderr).toBe(0);
    const second = await ws.run(["sync", "s3://sync/w/", "norm", "--delete"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe("");
    expect((await ws.read("norm/y")).toString()).toBe("body of w/./y");
    expect((await ws.read("norm/p/q")).toString()).toBe("body of w/p//q");
    expect((await ws.read("norm/b/s")).toString()).toBe("body of w/b\\s");
  });

  it("refuses every key of a group that lands on the same file, and deletes none of them", async () => {
    const client = ws.client();
    await client.putObject({ Bucket: "sync", Key: "same/x", Body: "plain" });
    await client.putObject({ Bucket: "sync", Key: "same/./x", Body: "dotted" });
    await ws.write("samedir/x", "local");
    const result = await ws.run(["sync", "s3://sync/same/", "samedir", "--delete"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /download failed: s3:\/\/sync\/same\/x to \S*samedir: .*same local file x/,
    );
    expect(result.stderr).toMatch(/download failed: s3:\/\/sync\/same\/\.\/x to \S*samedir/);
    expect((await ws.read("samedir/x")).toString()).toBe("local");
  });
});

describe("sync S3 → S3", () => {
  it("copies new files once", async () => {
    const first = await ws.run(["sync", "s3://sync/app/", "s3://sync/copy/", "--exclude", "*.tmp"]);
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first.stdout)).toHaveLength(3);
    const second = await ws.run([
      "sync",
      "s3://sync/app/",
      "s3://sync/copy/",
      "--exclude",
      "*.tmp",
    ]);
    expect(second.stdout).toBe("");
  });

  it("refuses local → local and a missing source folder", async () => {
    expect((await ws.run(["sync", "a", "b"])).code).toBe(2);
    expect((await ws.run(["sync", "nope", "s3://sync/x/"])).code).toBe(2);
  });
});
