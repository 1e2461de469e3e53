import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import { isDgError } from "@dg/core";
import { openFileSource, streamFile } from "@dg/node";
import type { DeltaCodec } from "@dg/core";
import { createDgdCodec, createXdeltaCodec, parseDeltaEngine } from "../codec.js";
import type { DeltaEngine } from "../codec.js";
import type { SecondaryCompression } from "../encode/index.js";
import { writeOutput } from "./output.js";

/** Where the command reads and writes; `process` in real use, streams in tests. */
export interface CliIo {
  readonly stdin: AsyncIterable<Uint8Array>;
  readonly stdout: Writable;
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const USAGE = `Usage:
  dg-xdelta -e [-f] -s SOURCE [TARGET [OUT]]   encode TARGET against SOURCE into the delta OUT
  dg-xdelta -d [-f] -s SOURCE [DELTA [OUT]]    decode DELTA against SOURCE into OUT

TARGET, DELTA and OUT default to "-" (stdin, stdout). SOURCE must be a file.

Options:
  -e                  encode
  -d                  decode
  -s SOURCE           the source (reference) file
  -f                  overwrite OUT if it exists
  --engine NAME       builtin (default, or DG_DELTA_ENGINE) or xdelta3 (the installed binary)
  -S NAME             encode: secondary compression of the delta's sections, lzma (default,
                      as xdelta3 writes it) or none (plain RFC 3284 sections)
  --format NAME       vcdiff (default: RFC 3284, what xdelta3 reads and writes) or dgd
                      (deltaglider's own format: smaller, read only by deltaglider; built-in
                      engine only). Decoding needs the format the delta was written in.
  -h, --help          show this help

Exit status: 0 on success, 1 when the operation fails (e.g. a damaged delta), 2 on bad usage.
`;

/** A usage error: printed with a pointer to --help, exit status 2. */
class UsageError extends Error {}

interface Command {
  readonly mode: "encode" | "decode";
  readonly force: boolean;
  readonly source: string;
  readonly input: string;
  readonly output: string;
  readonly engine: DeltaEngine | undefined;
  readonly secondary: SecondaryCompression | undefined;
  readonly format: "vcdiff" | "dgd";
}

function parseCommand(argv: readonly string[]): Command | "help" {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return "help";
  if (values.e === true && values.d === true) throw new UsageError("choose one of -e and -d");
  if (values.e !== true && values.d !== true) throw new UsageError("missing -e or -d");
  if (values.s === undefined || values.s === "") throw new UsageError("missing -s SOURCE");
  if (values.s === "-") throw new UsageError("SOURCE must be a file, not stdin");
  if (positionals.length > 2) throw new UsageError(`unexpected argument: ${positionals[2]}`);
  let engine: DeltaEngine | undefined;
  if (values.engine !== undefined) {
    try {
      engine = parseDeltaEngine(values.engine);
    } catch {
      throw new UsageError(`unknown engine: ${values.engine} (use builtin or xdelta3)`);
    }
  }
  const secondary = values.S;
  if (secondary !== undefined && secondary !== "lzma" && secondary !== "none") {
    throw new UsageError(`unknown secondary compression: ${secondary} (use lzma or none)`);
  }
  const format = values.format ?? "vcdiff";
  if (format !== "vcdiff" && format !== "dgd") {
    throw new UsageError(`unknown format: ${format} (use vcdiff or dgd)`);
  }
  if (format === "dgd" && engine === "xdelta3") {
    throw new UsageError("--format dgd needs the builtin engine (xdelta3 writes VCDIFF only)");
  }
  if (format === "dgd" && secondary !== undefined) {
    throw new UsageError("-S applies to VCDIFF only (dgd compresses its streams itself)");
  }
  return {
    secondary,
    format,
    mode: values.e === true ? "encode" : "decode",
    force: values.f === true,
    source: values.s,
    input: positionals[0] ?? "-",
    output: positionals[1] ?? "-",
    engine,
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      e: { type: "boolean", short: "e" },
      d: { type: "boolean", short: "d" },
      f: { type: "boolean", short: "f" },
      s: { type: "string", short: "s" },
      S: { type: "string", short: "S" },
      engine: { type: "string" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/**
 * Run `dg-xdelta` with `argv` (without the node and script paths); resolves to the exit
 * status. Never throws for user errors: they are printed to `io.stderr`.
 *
 * @example
 * ```ts
 * const status = await runCli(["-e", "-s", "v1.zip", "v2.zip", "v2.delta"], processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command | "help";
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`dg-xdelta: ${error.message}\nTry 'dg-xdelta --help'.\n`);
    return 2;
  }
  if (command === "help") {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    // This tool is a composition root of its own: `--engine`, else its environment.
    // dgd has one engine, the built-in one: DG_DELTA_ENGINE does not apply to it.
    const fromEnv = command.format === "dgd" ? undefined : io.env.DG_DELTA_ENGINE;
    const engine =
      command.engine ??
      (fromEnv === undefined || fromEnv === "" ? "builtin" : parseDeltaEngine(fromEnv));
    const { secondary } = command;
    const codec: DeltaCodec =
      command.format === "dgd"
        ? createDgdCodec()
        : createXdeltaCodec(
            secondary === undefined
              ? { engine }
              : { engine, builtin: { encoder: { secondary } }, native: { secondary } },
          );
    const source = await openFileSource(command.source);
    try {
      const input: AsyncIterable<Uint8Array> =
        command.input === "-" ? io.stdin : streamFile(command.input);
      const result =
        command.mode === "encode" ? codec.encode(source, input) : codec.decode(source, input);
      await writeOutput(result, command.output, { force: command.force, stdout: io.stdout });
    } finally {
      await source.close();
    }
    return 0;
  } catch (error) {
    io.stderr.write(`dg-xdelta: ${describeError(error)}\n`);
    return 1;
  }
}

function describeError(error: unknown): string {
  if (isDgError(error))
    return error.hint === undefined ? error.message : `${error.message}\n  ${error.hint}`;
  const code = (error as { code?: unknown } | null)?.code;
  const path = (error as { path?: unknown } | null)?.path;
  if (code === "ENOENT" && typeof path === "string") return `no such file: ${path}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
