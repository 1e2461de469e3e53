import { spawn } from "node:child_process";

declare module "vitest" {
  export interface ProvidedContext {
    /** The moto server started by `@dg/testkit/moto-global-setup`, e.g. `http://127.0.0.1:40123`. */
    s3Endpoint: string;
  }
}

/** A running moto server. */
export interface MotoServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string;
  /** Stop the server and wait for it to exit. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to report its port; default 90 s (a loaded CI machine can take long to import moto). */
  readonly timeoutMs?: number;
  /** Python interpreter; default `python3`. */
  readonly python?: string;
}

const RUNNING_ON = /Running on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Start `python3 -m moto.server` on a free loopback port and wait until it says where it runs.
 *
 * @example
 * ```ts
 * const moto = await startMoto();
 * try { ... moto.endpoint ... } finally { await moto.stop(); }
 * ```
 */
export function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const child = spawn(
    options.python ?? "python3",
    ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    // A child that could not be spawned never exits.
    child.once("error", () => resolve());
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async (): Promise<void> => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };

  return new Promise<MotoServer>((resolve, reject) => {
    let seen = "";
    const fail = (message: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${message}\nmoto output:\n${seen.slice(-2000)}`)));
    };
    const timer = setTimeout(() => fail(`moto did not start within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(`could not run moto: ${error.message}`));
    const onEarlyExit = (code: number | null) =>
      fail(
        `moto exited early with code ${code} (is it installed? pip install 'moto[server]==5.2.1')`,
      );
    child.once("exit", onEarlyExit);
    child.stderr.setEncoding("utf8");
    const onData = (text: string) => {
      seen += text;
      const match = RUNNING_ON.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        child.off("exit", onEarlyExit);
        child.stderr.off("data", onData);
        // Keep draining stderr (one log line per request) so the pipe never fills up.
        child.stderr.resume();
        resolve({ endpoint: match[1], stop });
      }
    };
    child.stderr.on("data", onData);
  });
}

/**
 * Clear all of moto's state (`POST /moto-api/reset`). Prefer unique bucket names: test files
 * run in parallel against one server.
 *
 * @example
 * ```ts
 * await resetMoto(inject("s3Endpoint"));
 * ```
 */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(new URL("/moto-api/reset", endpoint), { method: "POST" });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
