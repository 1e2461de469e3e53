import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ObjectStore } from "@dg/core";
import { createDirObjectStore, createS3Client, createS3ObjectStore } from "@dg/s3";
import { createClient, type DeltaGliderClient } from "@dg/sdk";
import { createRng, seededBytes } from "@dg/testkit";

/** The built CLI entry point (`pnpm test` builds it first). */
export const CLI_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface DgResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A scratch folder with a home, a work dir and (for file:// tests) a store. */
export interface Workspace {
  readonly root: string;
  /** Working directory of the spawned CLI. */
  readonly cwd: string;
  /** `file://` URL of a local-directory store inside the workspace. */
  readonly storeUrl: string;
  /** Environment of the spawned CLI: no TTY, no colour, UTC, isolated home and cache. */
  readonly env: Record<string, string>;
  run(args: readonly string[], options?: RunOptions): Promise<DgResult>;
  /** Write a file under cwd (folders created). */
  write(relative: string, bytes: Uint8Array | string): Promise<string>;
  read(relative: string): Promise<Buffer>;
  /** An in-process SDK client on the same store (for setup and checks). */
  client(): DeltaGliderClient;
  /**
   * The object store under it, raw (stored keys, `reference.bin`, `.deltaglider/`): for tests
   * that plant or inspect what the CLI must never reach itself.
   */
  store(): ObjectStore;
  cleanup(): Promise<void>;
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly input?: string;
}

/** Spawn the built CLI (never on a TTY) and collect its output. */
export function runDg(
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly input?: string;
  },
): Promise<DgResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: options.cwd,
      env: Object.fromEntries(
        Object.entries(options.env).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      ),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Create a workspace. With `endpoint` the CLI talks to that S3 server (moto); without, to a
 * local-directory store in the workspace.
 */
export async function createWorkspace(
  options: { readonly endpoint?: string } = {},
): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), "dg-cli-e2e-"));
  const cwd = join(root, "work");
  const store = join(root, "store");
  const home = join(root, "home");
  await Promise.all([mkdir(cwd), mkdir(store), mkdir(home)]);
  const storeUrl = pathToFileURL(store).href;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    TMPDIR: join(root, "tmp"),
    CI: "true",
    NO_COLOR: "1",
    TZ: "UTC",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test-secret-key",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    DG_DISABLE_EC2_DETECTION: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    DG_ENDPOINT_URL: options.endpoint ?? storeUrl,
  };
  await mkdir(env.TMPDIR as string);
  let client: DeltaGliderClient | undefined;
  let raw: ObjectStore | undefined;
  let rawClient: ReturnType<typeof createS3Client> | undefined;
  return {
    root,
    cwd,
    storeUrl,
    env,
    run: (args, runOptions = {}) =>
      runDg(args, {
        cwd: runOptions.cwd ?? cwd,
        env: { ...env, ...runOptions.env },
        ...(runOptions.input === undefined ? {} : { input: runOptions.input }),
      }),
    async write(relative, bytes) {
      const path = join(cwd, relative);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      return path;
    },
    read: (relative) => readFile(join(cwd, relative)),
    client() {
      client ??= createClient({ env: { ...env, DG_CACHE_BACKEND: "memory" } });
      return client;
    },
    store() {
      if (raw) return raw;
      if (options.endpoint) {
        rawClient = createS3Client({
          endpoint: options.endpoint,
          region: env.AWS_REGION as string,
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID as string,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
          },
        });
        raw = createS3ObjectStore({ client: rawClient });
      } else {
        raw = createDirObjectStore({ root: store });
      }
      return raw;
    },
    async cleanup() {
      client?.destroy();
      rawClient?.destroy();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** SHA-256 hex of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Versions of a "release": the same seeded base with a few seeded edits per version, so
 * deltas between them are small. Deterministic for a seed.
 *
 * @example
 * ```ts
 * const [v1, v2] = releaseVersions("app", 200_000, 2);
 * ```
 */
export function releaseVersions(seed: string, size: number, count: number): Uint8Array[] {
  const base = seededBytes(`${seed}-base`, size);
  const rng = createRng(size + count);
  return Array.from({ length: count }, (_, version) => {
    const copy = new Uint8Array(base);
    for (let edit = 0; edit < 3 + version; edit += 1) {
      const length = rng.int(16, 256);
      const at = rng.int(0, size - length);
      copy.set(seededBytes(`${seed}-v${version}-e${edit}`, length), at);
    }
    return copy;
  });
}

/** Unique bucket names (moto is shared by every test file). */
let bucketCounter = 0;
export function uniqueBucket(tag: string): string {
  bucketCounter += 1;
  return `dg-${tag}-${process.pid}-${bucketCounter}`.toLowerCase().slice(0, 63);
}
