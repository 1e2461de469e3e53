import { UsageError } from "./errors.js";

/** The parts of yargs' option table the environment mapping needs. */
export interface OptionTable {
  readonly key: Readonly<Record<string, unknown>>;
  readonly boolean: readonly string[];
  readonly number: readonly string[];
  readonly array: readonly string[];
  /** Option → its other names. */
  readonly alias?: Readonly<Record<string, readonly string[]>>;
}

/** `max-ratio` → `DG_MAX_RATIO`. */
export function envNameOf(option: string): string {
  return `DG_${option.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * Options whose variable has a clearer name than `DG_<OPTION>`: the first variable set wins,
 * and `DG_<OPTION>` stays accepted. `DG_CONCURRENCY` alone read as "parallel requests" in the
 * SDK; for the CLI it always meant files in flight, hence `DG_FILE_CONCURRENCY`.
 */
const VARIABLES_OF: Readonly<Record<string, readonly string[]>> = {
  concurrency: ["DG_FILE_CONCURRENCY", "DG_CONCURRENCY"],
};

/**
 * The variables an option is read from, in order: `DG_<OPTION>`, or for an option with a
 * clearer name its new variable first.
 *
 * @example
 * ```ts
 * envNamesOf("max-ratio"); // ["DG_MAX_RATIO"]
 * envNamesOf("concurrency"); // ["DG_FILE_CONCURRENCY", "DG_CONCURRENCY"]
 * ```
 */
export function envNamesOf(option: string): readonly string[] {
  return VARIABLES_OF[option] ?? [envNameOf(option)];
}

function camelCase(option: string): string {
  return option.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Options whose variables the SDK reads itself, with their own values or names: DG_COMPAT=python,
 * DG_CONNECT_TIMEOUT and DG_READ_TIMEOUT (for --cli-connect-timeout and --cli-read-timeout).
 */
const SDK_VARIABLES: ReadonlySet<string> = new Set([
  "compat",
  "cli-connect-timeout",
  "cli-read-timeout",
]);

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

function parseBoolean(name: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new UsageError(`${name} must be true or false, not ${JSON.stringify(value)}`, {
    hint: `Set ${name}=true or ${name}=false, or unset it.`,
  });
}

function parseNumber(name: string, value: string): number {
  const parsed = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(parsed)) {
    throw new UsageError(`${name} must be a number, not ${JSON.stringify(value)}`, {
      hint: `Set ${name} to a number, or unset it.`,
    });
  }
  return parsed;
}

/**
 * Fill every option the command line left unset from its `DG_*` variable (`--max-ratio` from
 * `DG_MAX_RATIO`, `--no-progress` from `DG_NO_PROGRESS=true` or `DG_PROGRESS=false`). Only
 * declared options are read, so unrelated `DG_*` variables never trip strict parsing.
 *
 * @example
 * ```ts
 * const argv: Record<string, unknown> = {};
 * applyEnvOptions(argv, { key: { "max-ratio": true }, boolean: [], number: ["max-ratio"], array: [] },
 *   new Set(), { DG_MAX_RATIO: "0.3" });
 * argv.maxRatio; // 0.3
 * ```
 */
export function applyEnvOptions(
  argv: Record<string, unknown>,
  table: OptionTable,
  defaulted: ReadonlySet<string>,
  env: Readonly<Record<string, string | undefined>>,
): void {
  for (const option of Object.keys(table.key)) {
    // Short aliases (`-r`) and yargs' own flags have no variable.
    if (option.length < 2 || option === "help" || option === "version") continue;
    if (SDK_VARIABLES.has(option)) continue;
    const camel = camelCase(option);
    const unset =
      (argv[option] === undefined && argv[camel] === undefined) || defaulted.has(option);
    if (!unset) continue;
    const name = envNameOf(option);
    let value: unknown;
    if (table.boolean.includes(option)) {
      const direct = env[name];
      const negated = env[envNameOf(`no-${option}`)];
      if (direct !== undefined) value = parseBoolean(name, direct);
      else if (negated !== undefined) value = !parseBoolean(envNameOf(`no-${option}`), negated);
    } else {
      const from = envNamesOf(option).find((variable) => env[variable] !== undefined);
      const raw = from === undefined ? undefined : env[from];
      if (from === undefined || raw === undefined) continue;
      const single = table.number.includes(option) ? parseNumber(from, raw) : raw;
      value = table.array.includes(option) ? [single] : single;
    }
    if (value === undefined) continue;
    for (const name of [option, ...(table.alias?.[option] ?? [])]) {
      argv[name] = value;
      argv[camelCase(name)] = value;
    }
  }
}
