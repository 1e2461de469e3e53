import { spawn } from "node:child_process";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CLI_MAIN, createWorkspace, sha256, uniqueBucket, type Workspace } from "./harness.js";

let ws: Workspace;
const bucket = uniqueBucket("rebase");

/** Sixteen releases, each rewriting another 6 % of the first one (the drift adds up). */
const releases: Uint8Array[] = [];
{
  let current = seededBytes("rebase-base", 200_000);
  for (let version = 0; version < 16; version++) {
    releases.push(current);
    const next = current.slice();
    for (let run = 0; run < 12; run++) {
      next.set(
        seededBytes(`rebase-${version}-${run}`, 1_000),
        run * 16_000 + (version % 10) * 1_500,
      );
    }
    current = next;
  }
}
const keyOf = (version: number) => `rel/app-${version}.zip`;

beforeAll(async () => {
  ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
  expect((await ws.run(["mb", `s3://${bucket}`])).code).toBe(0);
  for (const [version, bytes] of releases.entries()) await ws.write(keyOf(version), bytes);
  // Written with one reference only (as the Python tool would): the deltas grow with the drift.
  const upload = await ws.run(
    ["cp", "--recursive", "rel", `s3://${bucket}/rel/`, "--concurrency", "1", "--max-ratio", "1"],
    { env: { DG_MAX_REFERENCES: "1" } },
  );
  expect(upload.code, upload.stderr).toBe(0);
});
afterAll(async () => {
  await ws.cleanup();
});

async function storedBytes(): Promise<number> {
  const listing = await ws.store().listObjects(bucket, { prefix: "rel/" });
  return listing.objects.reduce((sum, o) => sum + o.size, 0);
}

async function expectAllReadable(): Promise<void> {
  for (const [version, bytes] of releases.entries()) {
    const got = await ws.client().getObject({ Bucket: bucket, Key: keyOf(version) });
    expect(sha256(await got.Body.transformToByteArray()), keyOf(version)).toBe(sha256(bytes));
  }
}

/** Run `rebase --yes` and kill it (SIGKILL: no clean-up runs) once it reports a written file. */
function killAfterFirstWrite() {
  return new Promise<{ signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, "rebase", `s3://${bucket}/rel/`, "--yes"], {
      cwd: ws.cwd,
      env: ws.env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    let killed = false;
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      if (!killed && /^(re-encoded|new reference): /m.test(stdout)) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", (_code, signal) => resolve({ signal, stdout }));
  });
}

describe("deltaglider rebase (moto)", () => {
  it("dry run projects savings and writes nothing", async () => {
    const before = await ws.store().listObjects(bucket, { prefix: "rel/" });
    const result = await ws.run(["rebase", `s3://${bucket}/rel/`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/would become a reference: /);
    expect(result.stdout).toMatch(/Projected: .* -> .* \(saves /);
    expect(result.stdout).toContain("Dry run: nothing was written.");
    const after = await ws.store().listObjects(bucket, { prefix: "rel/" });
    expect(after.objects.map((o) => [o.key, o.etag])).toEqual(
      before.objects.map((o) => [o.key, o.etag]),
    );
  });

  it("killed mid-way leaves every file readable, and a second run finishes the job", async () => {
    const before = await storedBytes();
    const killed = await killAfterFirstWrite();
    expect(killed.signal, killed.stdout).toBe("SIGKILL");
    await expectAllReadable();

    const finished = await ws.run(["rebase", `s3://${bucket}/rel/`, "--yes"]);
    expect(finished.code, finished.stderr).toBe(0);
    await expectAllReadable();
    expect(await storedBytes()).toBeLessThan(before * 0.8);
    const keys = (await ws.store().listObjects(bucket, { prefix: "rel/" })).objects.map(
      (o) => o.key,
    );
    expect(keys.some((k) => k.includes("/.dg-refs/"))).toBe(true);
    // ls shows the files only.
    const ls = await ws.run(["ls", `s3://${bucket}/rel/`]);
    expect(ls.stdout).not.toContain("dg-refs");
    expect(ls.stdout.trim().split("\n")).toHaveLength(releases.length);
  });
});
