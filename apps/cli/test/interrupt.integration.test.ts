import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CLI_MAIN, createWorkspace, uniqueBucket, type Workspace } from "./harness.js";

let ws: Workspace;
const bucket = uniqueBucket("sigint");

beforeAll(async () => {
  ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
  await ws.run(["mb", `s3://${bucket}`]);
});
afterAll(async () => {
  await ws.cleanup();
});

/** Run the CLI, send SIGINT once stderr shows `marker`, and collect the outcome. */
function interruptAt(args: readonly string[], marker: string) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args, "--debug"], {
      cwd: ws.cwd,
      env: ws.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let sent = false;
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
      if (!sent && stderr.includes(marker)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("Ctrl-C", () => {
  it("aborts a multipart upload, exits 130 and leaves no object or temporary file", async () => {
    await ws.write("huge.bin", seededBytes("huge", 80 * 1024 * 1024));
    const result = await interruptAt(
      ["cp", "huge.bin", `s3://${bucket}/`],
      "progress: ./huge.bin 50%",
    );
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("deltaglider: interrupted");
    const listing = await ws.store().listObjects(bucket, {});
    expect(listing.objects).toEqual([]);
    const uploads = await fetch(`${inject("s3Endpoint")}/${bucket}?uploads`).then((r) => r.text());
    expect(uploads).not.toContain("<UploadId>");
    expect(await readdir(join(ws.root, "tmp"))).toEqual([]);
  });
});
