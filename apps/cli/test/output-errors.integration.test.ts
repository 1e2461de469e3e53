import { open } from "node:fs/promises";
import { spawn } from "node:child_process";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, createWorkspace, type Workspace } from "./harness.js";

// Standard output on a device that is always full (Linux's /dev/full): every write fails with
// ENOSPC. Before, `cp s3://… - > /dev/full` died of an uncaught ENOSPC with a stack trace.
let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
  const client = ws.client();
  await client.createBucket({ Bucket: "full" });
  const base = seededBytes("full-base", 300_000);
  await client.putObject({ Bucket: "full", Key: "rel/app-1.zip", Body: base });
  await client.putObject({
    Bucket: "full",
    Key: "rel/app-2.zip",
    Body: Buffer.concat([base, seededBytes("full-tail", 5_000)]),
  });
  await client.putObject({ Bucket: "full", Key: "plain.bin", Body: seededBytes("plain", 200_000) });
});

afterAll(async () => {
  await ws.cleanup();
});

/** Run the CLI with its standard output on /dev/full. */
async function toDevFull(args: readonly string[]) {
  const full = await open("/dev/full", "w");
  try {
    return await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_MAIN, ...args], {
        cwd: ws.cwd,
        env: ws.env,
        stdio: ["ignore", full.fd, "pipe"],
      });
      let stderr = "";
      child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
    });
  } finally {
    await full.close();
  }
}

const FULL = [
  "deltaglider: error: Cannot write to standard output: no space left on the device",
  "  hint: Free some space on that disk, or send the output to another file or program.",
  "",
].join("\n");

describe("standard output on a full device", () => {
  it.each([
    ["cp of a delta-stored file to -", ["cp", "s3://full/rel/app-2.zip", "-"]],
    ["cp of a directly stored file to -", ["cp", "s3://full/plain.bin", "-"]],
    ["ls", ["ls", "s3://full/", "--recursive"]],
  ])("%s: one error line and its hint, exit 1, no stack trace", async (_name, args) => {
    const result = await toDevFull(args);
    expect(result.stderr).toBe(FULL);
    expect(result.code).toBe(1);
  });
});
