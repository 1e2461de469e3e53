import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { ObjectStore } from "@dg/core";
import { createS3Client, createS3ObjectStore } from "@dg/s3";
import { inject } from "vitest";
import { createClient, type ClientOptions, type DeltaGliderClient } from "../src/index.js";

/** Credentials moto accepts (any do). */
export const MOTO_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** The moto endpoint started by the vitest global setup. */
export function motoEndpoint(): string {
  return inject("s3Endpoint");
}

/**
 * A client on the moto server, with an in-memory reference cache of its own (so that two
 * clients behave like two machines) and no environment of the host.
 */
export function motoClient(overrides: Partial<ClientOptions> = {}): DeltaGliderClient {
  return createClient({
    endpoint: motoEndpoint(),
    region: "us-east-1",
    credentials: MOTO_CREDENTIALS,
    cacheBackend: "memory",
    env: {},
    logger: { log() {} },
    ...overrides,
  });
}

/**
 * The raw object store on moto (stored keys, references, `.deltaglider/`), for tests that plant
 * or inspect what a client never shows. `destroy` closes its sockets.
 */
export function motoStore(): { readonly store: ObjectStore; destroy(): void } {
  const client = createS3Client({
    endpoint: motoEndpoint(),
    region: "us-east-1",
    credentials: MOTO_CREDENTIALS,
  });
  return { store: createS3ObjectStore({ client }), destroy: () => client.destroy() };
}

let counter = 0;

/** A bucket name no other test file uses (they share one moto server). */
export function uniqueBucket(label: string): string {
  counter++;
  return `sdk-${label}-${process.pid}-${counter}`.toLowerCase();
}

/**
 * The environment the Python DeltaGlider runs in against moto: this process's PATH, its own
 * HOME (`home`, a temporary folder), the test credentials, and moto as the S3 endpoint.
 */
export function pythonToolEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ENDPOINT_URL: motoEndpoint(),
  };
}

/**
 * `dg cp URI OUT` with the Python DeltaGlider at `tool` against moto (its HOME is `home`);
 * resolves to the bytes it wrote to `out`.
 */
export async function pythonDownload(
  tool: string,
  uri: string,
  out: string,
  home: string,
): Promise<Uint8Array> {
  await promisify(execFile)(tool, ["cp", uri, out], {
    env: pythonToolEnv(home),
    timeout: 120_000,
  });
  return readFile(out);
}
