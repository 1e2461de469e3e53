import { createClient } from "@dg/sdk";
import type { ClientFactory } from "./context.js";
import { CLI_VERSION } from "./version.js";

/**
 * Build the SDK client from the global flags; the SDK reads the `DG_*` and `AWS_*` variables
 * of `io.env` for everything the flags leave unset.
 *
 * @example
 * ```ts
 * const client = createSdkClient({ endpointUrl: "file:///tmp/store", debug: false }, io);
 * ```
 */
export const createSdkClient: ClientFactory = (globals, io) =>
  createClient({
    ...(globals.endpointUrl ? { endpoint: globals.endpointUrl } : {}),
    ...(globals.region ? { region: globals.region } : {}),
    ...(globals.profile ? { profile: globals.profile } : {}),
    ...(globals.debug ? { logLevel: "debug" as const } : {}),
    env: io.env,
    toolVersion: CLI_VERSION,
  });
