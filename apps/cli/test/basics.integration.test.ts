import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "./harness.js";

const COMMANDS = [
  "cp",
  "ls",
  "rm",
  "sync",
  "stats",
  "migrate",
  "verify",
  "analyze",
  "presign",
  "mb",
  "rb",
];

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => {
  await ws.cleanup();
});

describe("global behaviour", () => {
  it("prints its version", async () => {
    const result = await ws.run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^deltaglider \d+\.\d+\.\d+/);
  });

  it("lists every command in --help", async () => {
    const result = await ws.run(["--help"]);
    expect(result.code).toBe(0);
    for (const command of COMMANDS)
      expect(result.stdout).toMatch(new RegExp(`deltaglider ${command}\\b`));
    for (const flag of ["--endpoint-url", "--profile", "--region", "--debug", "--version"]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it.each(COMMANDS)("explains the flags of %s in its --help", async (command) => {
    const result = await ws.run([command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`deltaglider ${command}`);
    expect(result.stdout).toContain("--endpoint-url");
    expect(result.stderr).toBe("");
  });

  it("names the keys of the interactive screens in the --help of stats and migrate", async () => {
    const words = async (command: string) =>
      (await ws.run([command, "--help"])).stdout.replace(/\s+/g, " ");
    const stats = await words("stats");
    for (const key of [
      "↑/↓ (j/k) move",
      "Enter opens a deltaspace",
      "s/z/o/a/n sort by savings, stored size, objects, reference age, name",
      "/ filters",
      "v verifies",
      "d downloads",
      "x deletes (after a confirmation)",
      "r recomputes",
      "? shows the keys",
      "q/Esc goes back or quits",
    ]) {
      expect(stats).toContain(key);
    }
    const migrate = await words("migrate");
    for (const key of [
      "y migrates, n/Enter/Esc cancels",
      "p pauses and resumes (no new file starts, running ones finish)",
      "q stops once the running files finish (q again, or ctrl-c, stops now;",
      "the exit code is 130, and a rerun resumes",
    ]) {
      expect(migrate).toContain(key);
    }
  });

  it("exits 2 with a hint on an unknown command, flag or missing argument", async () => {
    for (const args of [["frobnicate"], ["ls", "--frobnicate"], ["cp", "onlyone"], []]) {
      const result = await ws.run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^deltaglider: error: /);
      expect(result.stderr).toMatch(/\n {2}hint: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 2 on a malformed S3 URI", async () => {
    for (const uri of ["s3://", "s3:/b/key", "S3://UPPER/key"]) {
      const result = await ws.run(["ls", uri]);
      expect(result.code, uri).toBe(2);
      expect(result.stderr).toMatch(/deltaglider: error: .*(URI|bucket|NUL)/i);
    }
  });

  it("exits 2 on local-to-local cp and on a bad endpoint URL", async () => {
    expect((await ws.run(["cp", "a", "b"])).code).toBe(2);
    const bad = await ws.run(["ls", "--endpoint-url", "ftp://x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Invalid endpoint URL");
  });

  it("exits 2 with a hint on a file:// endpoint mistake, and on - as a sync path", async () => {
    await ws.write("not-a-folder", "x");
    for (const endpoint of [
      "file://relative/dir",
      `${ws.storeUrl}/st%ore`,
      `${pathToFileURL(ws.cwd).href}/not-a-folder`,
    ]) {
      const result = await ws.run(["ls", "--endpoint-url", endpoint]);
      expect(result.code, endpoint).toBe(2);
      expect(result.stderr, endpoint).toMatch(/file:\/\/ endpoint/);
      expect(result.stderr, endpoint).not.toContain("looks like a bug");
    }
    const stdout = await ws.run(["sync", "s3://bkt/x/", "-"]);
    expect(stdout.code).toBe(2);
    expect(stdout.stderr).toContain('"-" (standard input or output) works with cp');
  });

  it("reads every flag from its DG_* variable, the command line winning", async () => {
    await ws.write("f.zip", "content");
    const env = { DG_DRYRUN: "true" };
    const dry = await ws.run(["cp", "f.zip", "s3://nowhere-bucket/"], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe("(dryrun) upload: ./f.zip to s3://nowhere-bucket/f.zip\n");
    const badNumber = await ws.run(["cp", "f.zip", "s3://nowhere-bucket/"], {
      env: { DG_CONCURRENCY: "many" },
    });
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain("DG_CONCURRENCY must be a number");
    const other = await ws.run(["ls"], { env: { DG_SOMETHING_UNKNOWN: "1" } });
    expect(other.code).toBe(0);
  });

  it("shows a stack trace only with --debug", async () => {
    const plain = await ws.run(["ls", "s3://missing-bucket-x/"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await ws.run(["ls", "s3://missing-bucket-x/", "--debug"]);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("never prints the secret key, even with --debug", async () => {
    const secret = "Sup3rS3cretValueThatMustNotLeak";
    const result = await ws.run(["ls", "s3://missing-bucket-y/", "--debug"], {
      env: { AWS_SECRET_ACCESS_KEY: secret, DG_LOG_LEVEL: "debug" },
    });
    expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
