import type { ArgumentsCamelCase, Argv } from "yargs";
import type { CliContext } from "../context.js";

/** The arguments every command gets from the global flags. */
export interface GlobalArgs {
  readonly "endpoint-url"?: string;
  readonly endpointUrl?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly debug?: boolean;
  readonly compat?: boolean;
  readonly cliConnectTimeout?: number;
  readonly cliReadTimeout?: number;
}

/** A command's result: its exit code, or nothing for success. */
export type CommandResult = number | undefined;

/** A typed yargs command whose handler gets a {@link CliContext} instead of globals. */
export interface CommandDefinition<A> {
  /** yargs command string, e.g. `cp <source> <destination>`. */
  readonly command: string;
  readonly describe: string;
  readonly builder: (yargs: Argv<GlobalArgs>) => Argv<A>;
  readonly run: (ctx: CliContext, args: ArgumentsCamelCase<A>) => Promise<CommandResult>;
}

/** Runs a command body with a context built from the parsed global flags. */
export type Execute = (
  args: GlobalArgs,
  body: (ctx: CliContext) => Promise<CommandResult>,
) => Promise<void>;

/** A command with its argument types erased, ready to mount on the parser. */
export interface CliCommand {
  readonly name: string;
  mount(yargs: Argv<GlobalArgs>, execute: Execute): Argv<GlobalArgs>;
}

/**
 * Define a command.
 *
 * @example
 * ```ts
 * export const mbCommand = defineCommand({
 *   command: "mb <bucket>", describe: "Create a bucket",
 *   builder: (y) => y.positional("bucket", { type: "string", demandOption: true }),
 *   run: async (ctx, args) => { await ctx.client().createBucket({ Bucket: args.bucket }); return 0; },
 * });
 * ```
 */
export function defineCommand<A>(definition: CommandDefinition<A>): CliCommand {
  const name = definition.command.split(" ")[0] as string;
  return {
    name,
    mount(yargs, execute) {
      return yargs.command(definition.command, definition.describe, definition.builder, (args) =>
        execute(args as GlobalArgs, (ctx) =>
          definition.run(ctx, args as unknown as ArgumentsCamelCase<A>),
        ),
      ) as Argv<GlobalArgs>;
    },
  };
}
