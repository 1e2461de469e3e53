import { type SilentServer, startSilentServer } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "./harness.js";

// An S3 endpoint that accepts connections and never answers: without a read timeout, `ls`
// and `cp` waited forever.
let silent: SilentServer;
let ws: Workspace;

beforeAll(async () => {
  silent = await startSilentServer();
  ws = await createWorkspace({ endpoint: silent.endpoint });
});

afterAll(async () => {
  await ws.cleanup();
  await silent.close();
});

describe("an endpoint that accepts and never answers", () => {
  it("ls gives up after each attempt's read timeout, naming the endpoint", async () => {
    const before = silent.connections();
    const result = await ws.run(["ls", "s3://quiet/", "--cli-read-timeout", "0.3"]);
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).toBe(
      `deltaglider: error: No answer from ${silent.endpoint} within 0.3 s (ListObjectsV2 bucket quiet)`,
    );
    expect(result.stderr).toContain("--cli-read-timeout");
    // The SDK's standard retries: three attempts, each bounded.
    expect(silent.connections() - before).toBe(3);
  });

  it("cp takes the read timeout from DG_READ_TIMEOUT, and leaves no file", async () => {
    const result = await ws.run(["cp", "s3://quiet/app.zip", "app.zip"], {
      env: { DG_READ_TIMEOUT: "0.3" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No answer from ${silent.endpoint} within 0.3 s`);
    await expect(ws.read("app.zip")).rejects.toThrow(/ENOENT/);
  });

  it("refuses a negative timeout as a usage error", async () => {
    const result = await ws.run(["ls", "s3://quiet/", "--cli-connect-timeout", "-1"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--cli-connect-timeout must be a number of seconds");
  });

  it("explains both flags in --help", async () => {
    const result = await ws.run(["ls", "--help"]);
    expect(result.stdout).toMatch(/--cli-connect-timeout[\s\S]*DG_CONNECT_TIMEOUT/);
    expect(result.stdout).toMatch(/--cli-read-timeout[\s\S]*DG_READ_TIMEOUT/);
  });
});
