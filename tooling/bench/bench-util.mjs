// Small helpers the benchmarks share: running a tool or a child benchmark process, hashing a
// file, and pinning a tree's mtimes (so an archive made of it is the same bytes everywhere).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";

/** Run a command to its end; its stdout, or an error naming the command and its stderr. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${result.error?.message ?? result.stderr}`);
  }
  return result.stdout;
}

/** Every file's mtime under `dir` set to one instant. */
export function touchAll(dir, when) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) touchAll(path, when);
    utimesSync(path, when, when);
  }
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Run a benchmark's child script in its own Node process; resolves the JSON object on the
 * last line of its stdout (its stderr goes to ours).
 */
export function runJsonChild(script, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`bench child ${args[0]} failed (${code})`));
      try {
        resolvePromise(JSON.parse(stdout.trim().split("\n").at(-1)));
      } catch (error) {
        reject(new Error(`bench child ${args[0]} printed no result`, { cause: error }));
      }
    });
  });
}

/** What a child benchmark process prints last: its time, peak RSS and byte counts. */
export function printChildResult(started, bytes, storedBytes) {
  process.stdout.write(
    `${JSON.stringify({
      ms: performance.now() - started,
      maxRssKb: process.resourceUsage().maxRSS,
      bytes,
      storedBytes,
    })}\n`,
  );
}

/**
 * The environment a benchmark runs the CLI with: its own home and caches under `home`, test
 * credentials, no colour, no EC2 metadata lookups (loopback only), no AWS SDK Node notice.
 */
export function isolatedCliEnv(home) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    NO_COLOR: "1",
    CI: "true",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test-secret-key",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    DG_DISABLE_EC2_DETECTION: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
