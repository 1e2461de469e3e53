import { UnsupportedError } from "@dg/core";
import type { DeltaGliderClient } from "./client-interface.js";
import type { ClientOptions } from "./options.js";

function notYet(what: string): never {
  throw new UnsupportedError(`${what}: not yet implemented`);
}

/**
 * Create a deltaglider client. Options win over `DG_*`/`AWS_*` variables of `env`, which win
 * over the shared AWS config.
 *
 * @example
 * ```ts
 * const client = createClient({ endpoint: "http://127.0.0.1:9000" });
 * await client.uploadFile("app-1.2.zip", "s3://releases/app/");
 * const { Body } = await client.getObject({ Bucket: "releases", Key: "app/app-1.2.zip" });
 * ```
 */
export function createClient(options: ClientOptions = {}): DeltaGliderClient {
  void options;
  return notYet("createClient");
}
