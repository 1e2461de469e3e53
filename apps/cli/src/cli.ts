import { isDgError } from "@dg/sdk/common";
import yargs, { type Argv } from "yargs";
import { type ClientFactory, createContext, type GlobalOptions } from "./context.js";
import type { CliCommand, CommandResult, GlobalArgs } from "./commands/define.js";
import { applyEnvOptions, type OptionTable } from "./lib/env-options.js";
import { EXIT, exitCodeFor, formatError, isCancellation, UsageError } from "./lib/errors.js";
import type { CliIo } from "./lib/io.js";
import { createOutput } from "./lib/output.js";
import { createRedactor } from "./lib/redact.js";
import { detectTerminal } from "./lib/terminal.js";
import { CLI_VERSION } from "./version.js";

export interface RunCliOptions {
  readonly commands: readonly CliCommand[];
  readonly createClient: ClientFactory;
  /** Load what `createClient` needs, once a command is about to run (not for --help). */
  readonly preload?: () => Promise<void>;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

/** Global flags, on every command. */
function withGlobalOptions(parser: Argv): Argv<GlobalArgs> {
  return parser
    .option("endpoint-url", {
      type: "string",
      describe: "S3 endpoint (http:// or https://), or file:///path for the local-directory store",
      global: true,
    })
    .option("profile", { type: "string", describe: "AWS shared-config profile", global: true })
    .option("region", { type: "string", describe: "AWS region", global: true })
    .option("debug", {
      type: "boolean",
      describe: "Log debug details and show stack traces of errors",
      global: true,
    })
    .option("compat", {
      type: "boolean",
      describe:
        "Write only deltas the Python DeltaGlider can read (plain VCDIFF, no dgd or archive-aware deltas; without it deltas are dgd, or VCDIFF with DG_DELTA_FORMAT=vcdiff); also DG_COMPAT=python",
      global: true,
    })
    .option("cli-connect-timeout", {
      type: "number",
      describe:
        "Seconds to wait for a connection to the S3 endpoint before retrying, then failing (default 60; 0 waits forever); also DG_CONNECT_TIMEOUT",
      global: true,
    })
    .option("cli-read-timeout", {
      type: "number",
      describe:
        "Seconds the S3 endpoint may stay silent while it owes an answer or data, before the request is retried, then fails (default 60; 0 waits forever); also DG_READ_TIMEOUT",
      global: true,
    }) as Argv<GlobalArgs>;
}

function timeoutFlag(flag: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`--${flag} must be a number of seconds, 0 or more, not ${value}`, {
      hint: `Pass e.g. --${flag} 30; 0 waits forever.`,
    });
  }
  return value;
}

const ENDPOINT_SCHEMES = /^(https?|file):\/\//i;

function globalsFrom(args: GlobalArgs, io: CliIo): GlobalOptions {
  if (args.endpointUrl !== undefined && !ENDPOINT_SCHEMES.test(args.endpointUrl)) {
    throw new UsageError(`Invalid endpoint URL: ${args.endpointUrl}`, {
      hint: "Use http://host:port, https://host, or file:///path/to/folder for the local-directory store.",
    });
  }
  return {
    ...(args.endpointUrl ? { endpointUrl: args.endpointUrl } : {}),
    ...(args.profile ? { profile: args.profile } : {}),
    ...(args.region ? { region: args.region } : {}),
    debug: args.debug === true || io.env.DG_LOG_LEVEL?.toLowerCase() === "debug",
    ...(args.compat ? { compat: true } : {}),
    ...timeoutsFrom(args),
  };
}

function timeoutsFrom(
  args: GlobalArgs,
): Pick<GlobalOptions, "connectTimeoutSeconds" | "readTimeoutSeconds"> {
  const connect = timeoutFlag("cli-connect-timeout", args.cliConnectTimeout);
  const read = timeoutFlag("cli-read-timeout", args.cliReadTimeout);
  return {
    ...(connect === undefined ? {} : { connectTimeoutSeconds: connect }),
    ...(read === undefined ? {} : { readTimeoutSeconds: read }),
  };
}

/**
 * yargs middleware (run before validation) that fills unset options from `DG_*` variables.
 * yargs passes its own instance as the second argument, which @types/yargs does not declare.
 */
function envMiddleware(io: CliIo) {
  interface YargsInternals {
    getOptions(): OptionTable;
    readonly parsed: false | { readonly defaulted?: Readonly<Record<string, boolean>> };
  }
  return (args: Record<string, unknown>, instance: YargsInternals) => {
    const table = instance.getOptions();
    const parsed = instance.parsed;
    const defaulted = new Set(parsed ? Object.keys(parsed.defaulted ?? {}) : []);
    applyEnvOptions(args, table, defaulted, io.env);
  };
}

/**
 * yargs renders a command's whole help each time it runs the command (measuring the width of
 * every line: about a tenth of a `stats` cache hit), to have it ready should the handler ask
 * for it. Ours never do, so skip it; the help printed for `--help` and on errors is unaffected.
 */
function skipHelpCaching(parser: Argv<GlobalArgs>): void {
  interface YargsInternals {
    getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } };
  }
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}

/**
 * Run the command line in-process and return the exit code: 0 success, 1 a transfer or check
 * failed, 2 usage error, 130 interrupted. Nothing here touches `process`: `main.ts` wires it.
 *
 * @example
 * ```ts
 * const code = await runCli(["ls", "s3://releases/"], io, { commands, createClient });
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: RunCliOptions,
): Promise<number> {
  const terminal = detectTerminal(io);
  const redact = createRedactor(io.env);
  let debug = argv.includes("--debug") || truthy(io.env.DG_DEBUG);
  const out = createOutput({
    stdout: io.stdout,
    stderr: io.stderr,
    color: terminal.color,
    get debug() {
      return debug;
    },
    redact,
  });
  let result: CommandResult;
  const commandName = argv.find((arg) => !arg.startsWith("-"));

  let parser = withGlobalOptions(
    yargs()
      .scriptName("deltaglider")
      .usage(
        "deltaglider <command> [options]\n\nStore versioned files in S3 as binary deltas; aws s3 compatible commands.",
      )
      .exitProcess(false)
      // `--no-delta`, `--no-progress`, … are options of their own, shown as such in --help.
      .parserConfiguration({ "boolean-negation": false })
      .strict()
      .wrap(Math.min(110, terminal.columns)),
  )
    .middleware(envMiddleware(io) as unknown as (args: GlobalArgs) => void, true)
    .version("version", "Show the version", `deltaglider ${CLI_VERSION}`)
    .help("help", "Show help")
    .group(
      [
        "endpoint-url",
        "profile",
        "region",
        "compat",
        "cli-connect-timeout",
        "cli-read-timeout",
        "debug",
        "version",
        "help",
      ],
      "Global options:",
    )
    .demandCommand(1, "Name a command")
    .recommendCommands()
    .fail((message, error) => {
      if (error) throw error;
      const hint = commandName
        ? `Run "deltaglider ${commandName} --help" to see its arguments and flags.`
        : 'Run "deltaglider --help" to see the commands.';
      throw new UsageError(message, { hint });
    });

  const execute = async (
    args: GlobalArgs,
    body: (ctx: ReturnType<typeof createContext>) => Promise<CommandResult>,
  ) => {
    const globals = globalsFrom(args, io);
    debug = globals.debug;
    await options.preload?.();
    const ctx = createContext({
      io,
      out,
      terminal,
      globals,
      argv,
      createClient: options.createClient,
    });
    try {
      result = await body(ctx);
    } finally {
      ctx.dispose();
    }
  };
  for (const command of options.commands) parser = command.mount(parser, execute);
  skipHelpCaching(parser);

  try {
    let printed = "";
    await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      printed = output;
    });
    if (printed) io.stdout.write(`${printed}\n`);
  } catch (error) {
    if (io.signal.aborted || isCancellation(error)) return stopped(io.signal, out, debug);
    for (const line of formatError(error, { debug })) out.error(line);
    return exitCodeFor(error);
  }
  if (io.signal.aborted) return stopped(io.signal, out, debug);
  return result ?? EXIT.ok;
}

/**
 * How a command that was stopped ends: Ctrl-C is "interrupted" (130); a stop for a reason of
 * its own (standard output could not be written) prints that reason and its exit code.
 */
function stopped(signal: AbortSignal, out: ReturnType<typeof createOutput>, debug: boolean) {
  const reason: unknown = signal.reason;
  if (isDgError(reason) && reason.code !== "CANCELLED") {
    for (const line of formatError(reason, { debug })) out.error(line);
    return exitCodeFor(reason);
  }
  out.error("deltaglider: interrupted");
  return EXIT.interrupted;
}
