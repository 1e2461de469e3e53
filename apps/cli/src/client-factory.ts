import { createClient } from "@dg/sdk";
import type { ClientFactory } from "./context.js";
import { checkFileEndpoint, endpointFrom } from "./lib/endpoint-check.js";
import { createCliLogger, logLevelFrom } from "./lib/logger.js";
import { createRedactor } from "./lib/redact.js";
import { CLI_VERSION } from "./version.js";

/**
 * Build the SDK client from the global flags; the SDK reads the `DG_*` and `AWS_*` variables
 * of `io.env` for everything the flags leave unset. Its log lines go through the CLI's secret
 * masking. A malformed `file://` endpoint is a usage error.
 *
 * @example
 * ```ts
 * const client = createSdkClient({ endpointUrl: "file:///tmp/store", debug: false }, io);
 * ```
 */
export const createSdkClient: ClientFactory = (globals, io) => {
  checkFileEndpoint(endpointFrom(globals.endpointUrl, io.env));
  const level = globals.debug ? "debug" : logLevelFrom(io.env.DG_LOG_LEVEL);
  return createClient({
    ...(globals.endpointUrl ? { endpoint: globals.endpointUrl } : {}),
    ...(globals.region ? { region: globals.region } : {}),
    ...(globals.compat ? { compat: true } : {}),
    ...(globals.profile ? { profile: globals.profile } : {}),
    ...(globals.connectTimeoutSeconds === undefined
      ? {}
      : { connectTimeoutMs: Math.round(globals.connectTimeoutSeconds * 1000) }),
    ...(globals.readTimeoutSeconds === undefined
      ? {}
      : { readTimeoutMs: Math.round(globals.readTimeoutSeconds * 1000) }),
    // An unset or invalid DG_LOG_LEVEL is left to the SDK (default, or its error).
    ...(level ? { logger: createCliLogger(io.stderr, level, createRedactor(io.env)) } : {}),
    env: io.env,
    toolVersion: CLI_VERSION,
  });
};
