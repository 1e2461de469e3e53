import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { CLI_MAIN, type Workspace } from "./harness.js";

/** What a run with byte input and output gave. */
export interface RawResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Spawn the built CLI with `input` as its standard input and keep stdout as bytes. */
export function runRaw(
  ws: Workspace,
  args: readonly string[],
  input: Uint8Array = new Uint8Array(),
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: ws.cwd,
      env: ws.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    // The CLI may refuse before reading its input: a closed stdin is not a failure here.
    child.stdin.on("error", () => undefined);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
    child.stdin.end(input);
  });
}

/** The files left in the workspace's TMPDIR (spools must never stay). */
export function tempFiles(ws: Workspace): Promise<string[]> {
  return readdir(join(ws.root, "tmp"));
}
