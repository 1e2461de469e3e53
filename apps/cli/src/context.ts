import { isAbsolute, resolve } from "node:path";
import type { DeltaGliderClient } from "@dg/sdk";
import type { CliIo } from "./lib/io.js";
import type { Output } from "./lib/output.js";
import type { TerminalInfo } from "./lib/terminal.js";

/** The connection and diagnostics flags every command accepts. */
export interface GlobalOptions {
  readonly endpointUrl?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly debug: boolean;
  /** Write only what the Python tool reads (plain VCDIFF). */
  readonly compat?: boolean;
  /** `--cli-connect-timeout` / `--cli-read-timeout`, in seconds (0: no limit). */
  readonly connectTimeoutSeconds?: number;
  readonly readTimeoutSeconds?: number;
}

/** Builds the SDK client from the global options (tests inject their own). */
export type ClientFactory = (options: GlobalOptions, io: CliIo) => DeltaGliderClient;

/**
 * What a command handler gets instead of globals: where to print, whether it may draw Ink
 * screens, the cancellation signal, and the SDK client.
 */
export interface CliContext {
  readonly io: CliIo;
  readonly out: Output;
  readonly terminal: TerminalInfo;
  /** Aborted on Ctrl-C: pass it to every SDK call. */
  readonly signal: AbortSignal;
  readonly globals: GlobalOptions;
  /** The raw command-line arguments (filters need their order). */
  readonly argv: readonly string[];
  /** The SDK client, built on first use (so `--help` and usage errors never touch S3). */
  client(): DeltaGliderClient;
  /** A local path resolved against the working directory. */
  resolvePath(path: string): string;
  /** Release the client's sockets (called once the command is done). */
  dispose(): void;
}

export interface CreateContextOptions {
  readonly io: CliIo;
  readonly out: Output;
  readonly terminal: TerminalInfo;
  readonly globals: GlobalOptions;
  readonly argv: readonly string[];
  readonly createClient: ClientFactory;
}

/**
 * Create the context of one command run.
 *
 * @example
 * ```ts
 * const ctx = createContext({ io, out, terminal, globals: { debug: false }, createClient });
 * await ctx.client().listBuckets({});
 * ```
 */
export function createContext(options: CreateContextOptions): CliContext {
  const { io, globals } = options;
  let client: DeltaGliderClient | undefined;
  return {
    io,
    out: options.out,
    terminal: options.terminal,
    signal: io.signal,
    globals,
    argv: options.argv,
    client() {
      client ??= options.createClient(globals, io);
      return client;
    },
    resolvePath(path) {
      return isAbsolute(path) ? path : resolve(io.cwd, path);
    },
    dispose() {
      client?.destroy();
      client = undefined;
    },
  };
}
