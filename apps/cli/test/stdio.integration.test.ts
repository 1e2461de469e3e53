import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, createWorkspace, releaseVersions, sha256, type Workspace } from "./harness.js";
import { runRaw, tempFiles } from "./stdio-run.js";

let ws: Workspace;
const SIZE = 4 * 1024 * 1024;
const versions = releaseVersions("stdio", SIZE, 3);
const v0 = versions[0] as Uint8Array;
const v1 = versions[1] as Uint8Array;
const v2 = versions[2] as Uint8Array;

beforeAll(async () => {
  ws = await createWorkspace();
  expect((await ws.run(["mb", "s3://pipes"])).code).toBe(0);
});
afterAll(async () => {
  await ws.cleanup();
});

async function stored(key: string) {
  return ws
    .client()
    .headObject({ Bucket: "pipes", Key: key })
    .then(
      (head) => head,
      () => undefined,
    );
}

/** Read an object's stored bytes and write them back changed by `edit`. */
async function tamper(
  storedKey: string,
  edit: (bytes: Buffer, metadata: Record<string, string>) => Record<string, string>,
) {
  const store = ws.store();
  const raw = await store.getObject("pipes", storedKey);
  const chunks: Uint8Array[] = [];
  for await (const chunk of raw.body) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const metadata = edit(bytes, { ...raw.info.metadata });
  await store.putObject("pipes", storedKey, bytes, { metadata });
}

describe("cp - (upload standard input)", () => {
  it("stores a multi-MB stream as the reference, then a second one as a delta", async () => {
    const first = await runRaw(ws, ["cp", "-", "s3://pipes/app/app-1.0.zip"], v0);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.toString()).toBe(
      "upload: - to s3://pipes/app/app-1.0.zip (reference: 4.0 MiB)\n",
    );
    const second = await runRaw(ws, ["cp", "-", "s3://pipes/app/app-1.1.zip"], v1);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.toString()).toMatch(
      /^upload: - to s3:\/\/pipes\/app\/app-1\.1\.zip \(delta: [\d.]+ (Bytes|KiB), 99\.\d% saved\)\n$/,
    );
    expect(second.stderr).toBe("");
    const head = await stored("app/app-1.1.zip");
    expect(head?.DeltaGliderInfo.StoredKey).toBe("app/app-1.1.zip.delta");
    expect(head?.ContentLength).toBe(SIZE);
    expect(head?.DeltaGliderInfo.Sha256).toBe(sha256(v1));
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("checks --expected-size: the exact length is stored, another fails and stores nothing", async () => {
    const exact = await runRaw(
      ws,
      ["cp", "-", "s3://pipes/sized/ok.zip", "--expected-size", String(SIZE)],
      v2,
    );
    expect(exact.code, exact.stderr).toBe(0);
    expect((await stored("sized/ok.zip"))?.ContentLength).toBe(SIZE);

    const short = await runRaw(
      ws,
      ["cp", "-", "s3://pipes/sized/short.zip", "--expected-size", String(SIZE + 1)],
      v2,
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(
      `upload failed: - to s3://pipes/sized/short.zip: Standard input gave ${SIZE} bytes but --expected-size is ${SIZE + 1}; nothing was stored`,
    );
    const long = await runRaw(
      ws,
      ["cp", "-", "s3://pipes/sized/long.zip", "--expected-size", "1000"],
      v2,
    );
    expect(long.code).toBe(1);
    expect(long.stderr).toContain("Standard input gave more than 1000 bytes");
    expect(await stored("sized/short.zip")).toBeUndefined();
    expect(await stored("sized/long.zip")).toBeUndefined();
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("removes the spool when the store refuses the upload", async () => {
    const result = await runRaw(ws, ["cp", "-", "s3://no-such-bucket/x.zip"], v0);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^upload failed: - to s3:\/\/no-such-bucket\/x\.zip: Bucket not found: no-such-bucket\n/,
    );
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("prints only the (dryrun) line with --dryrun, and nothing with --quiet", async () => {
    const dry = await runRaw(ws, ["cp", "-", "s3://pipes/dry/x.zip", "--dryrun"], v0);
    expect(dry.code).toBe(0);
    expect(dry.stdout.toString()).toBe("(dryrun) upload: - to s3://pipes/dry/x.zip\n");
    expect(await stored("dry/x.zip")).toBeUndefined();
    const quiet = await runRaw(ws, ["cp", "-", "s3://pipes/quiet/x.txt", "--quiet"], v0);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout.length).toBe(0);
    expect((await stored("quiet/x.txt"))?.DeltaGliderInfo.StorageType).toBe("direct");
  });

  it("removes the spool and stores nothing when interrupted while reading", async () => {
    const tmp = join(ws.root, "tmp");
    const outcome = await new Promise<{ code: number | null; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [CLI_MAIN, "cp", "-", "s3://pipes/int/x.zip"], {
          cwd: ws.cwd,
          env: ws.env,
          stdio: ["pipe", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (text: string) => {
          stderr += text;
        });
        // Signal once the spool file exists; stdin stays open (the producer is still busy).
        const watcher = watch(tmp, (_event, name) => {
          if (name?.startsWith("deltaglider-")) {
            watcher.close();
            child.kill("SIGINT");
          }
        });
        child.on("error", reject);
        child.on("close", (code) => {
          watcher.close();
          child.stdin.destroy();
          resolve({ code, stderr });
        });
        child.stdin.on("error", () => undefined);
        child.stdin.write(v0.subarray(0, 256 * 1024));
      },
    );
    expect(outcome.code, outcome.stderr).toBe(130);
    expect(outcome.stderr).toContain("deltaglider: interrupted");
    expect(await tempFiles(ws)).toEqual([]);
    expect(await stored("int/x.zip")).toBeUndefined();
  });
});

describe("cp s3://… - (download to standard output)", () => {
  it("writes the original bytes of a delta-stored object, and nothing else", async () => {
    const result = await runRaw(ws, ["cp", "s3://pipes/app/app-1.1.zip", "-"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.length).toBe(SIZE);
    expect(sha256(result.stdout)).toBe(sha256(v1));
    expect(result.stderr).toBe("");
    const reference = await runRaw(ws, ["cp", "s3://pipes/app/app-1.0.zip", "-"]);
    expect(sha256(reference.stdout)).toBe(sha256(v0));
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("writes nothing to stdout with --dryrun (the line goes to stderr)", async () => {
    const result = await runRaw(ws, ["cp", "s3://pipes/app/app-1.1.zip", "-", "--dryrun"]);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr).toBe("(dryrun) download: s3://pipes/app/app-1.1.zip to -\n");
  });

  it("fails with exit 1 and one line on stderr when the SHA-256 does not match", async () => {
    await ws.client().putObject({ Bucket: "pipes", Key: "bad/v1.zip", Body: v0 });
    await ws.client().putObject({ Bucket: "pipes", Key: "bad/v2.zip", Body: v1 });
    // The rebuilt file is right but its recorded checksum is not: every byte streams out first.
    await tamper("bad/v2.zip.delta", (_bytes, metadata) => ({
      ...metadata,
      "dg-file-sha256": sha256(v2),
    }));
    const result = await runRaw(ws, ["cp", "s3://pipes/bad/v2.zip", "-"]);
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBe(SIZE);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^download failed: s3://pipes/bad/v2\\.zip to -: SHA-256 mismatch .* \\(the ${SIZE} bytes already written to standard output are not valid\\)$`,
      ),
    );
  });

  it("fails with exit 1 and one line on stderr on a corrupt delta", async () => {
    await ws.client().putObject({ Bucket: "pipes", Key: "bad/v3.zip", Body: v2 });
    await tamper("bad/v3.zip.delta", (bytes, metadata) => {
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] as number) ^ 0xff;
      return metadata;
    });
    const result = await runRaw(ws, ["cp", "s3://pipes/bad/v3.zip", "-"]);
    expect(result.code).toBe(1);
    expect(sha256(result.stdout)).not.toBe(sha256(v2));
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^download failed: s3:\/\/pipes\/bad\/v3\.zip to -: /);
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("fails with exit 1 on a missing object, writing nothing", async () => {
    const result = await runRaw(ws, ["cp", "s3://pipes/app/none.zip", "-"]);
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr).toMatch(/^download failed: s3:\/\/pipes\/app\/none\.zip to -: .*\n$/);
  });

  it("ends quietly with exit 0 when the reader closes the pipe early (| head -c 100)", async () => {
    const outcome = await new Promise<{ code: number | null; got: number; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [CLI_MAIN, "cp", "s3://pipes/app/app-1.1.zip", "-"], {
          cwd: ws.cwd,
          env: ws.env,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let got = 0;
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
          got += chunk.length;
          // What `head -c 100` does: take a little, then close its end of the pipe.
          child.stdout.destroy();
        });
        child.stderr.setEncoding("utf8").on("data", (text: string) => {
          stderr += text;
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, got, stderr }));
      },
    );
    expect(outcome.got).toBeGreaterThan(0);
    expect(outcome.got).toBeLessThan(SIZE);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
  });
});

describe("cp - usage errors (exit 2)", () => {
  const cases: [string, string[], RegExp][] = [
    ["- on both sides", ["cp", "-", "-"], /Only one of the source and the destination can be -/],
    ["- with --recursive", ["cp", "-r", "-", "s3://pipes/r/"], /cannot be used with --recursive/],
    [
      "a destination folder",
      ["cp", "-", "s3://pipes/app/"],
      /s3:\/\/pipes\/app\/ names a folder, not an object\n {2}hint: Standard input has no name/,
    ],
    ["a bucket root", ["cp", "-", "s3://pipes"], /s3:\/\/pipes names a folder, not an object/],
    ["a local destination", ["cp", "-", "out.zip"], /the destination must be an S3 URI/],
    ["a local source", ["cp", "in.zip", "-"], /the source must be an S3 URI/],
    ["a source folder", ["cp", "s3://pipes/app/", "-"], /names a folder, not an object/],
    ["sync from -", ["sync", "-", "s3://pipes/s/"], /only cp takes/],
    ["sync to -", ["sync", "s3://pipes/app/", "-"], /only cp takes/],
    [
      "--expected-size on a download",
      ["cp", "s3://pipes/app/app-1.0.zip", "-", "--expected-size", "10"],
      /--expected-size is for uploads from standard input/,
    ],
    [
      "--expected-size on a file upload",
      ["cp", "in.zip", "s3://pipes/x.zip", "--expected-size", "10"],
      /--expected-size is for uploads from standard input/,
    ],
    [
      "a negative --expected-size",
      ["cp", "-", "s3://pipes/x.zip", "--expected-size", "-5"],
      /--expected-size must be a whole number of bytes/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`refuses ${name}`, async () => {
      const result = await runRaw(ws, args, v0.subarray(0, 1000));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout.length).toBe(0);
      expect(result.stderr).toMatch(message);
    });
  }

  it("left nothing behind in TMPDIR and stored nothing for the refused uploads", async () => {
    expect(await stored("x.zip")).toBeUndefined();
    expect(await tempFiles(ws)).toEqual([]);
  });

  it("explains - and --expected-size in cp --help", async () => {
    const help = await ws.run(["cp", "--help"]);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, " ");
    expect(text).toContain("or - to upload standard input");
    expect(text).toContain("or - to write the object to standard output");
    expect(text).toContain("--expected-size With - as the source: the length of standard input");
  });
});
