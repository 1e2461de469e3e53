import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { seededBytes } from "./helpers.js";
import { parseCacheKey } from "../src/cache-key.js";
import { createFsReferenceCache } from "../src/fs-cache.js";

export const KEY_A = seededBytes(101, 32).toString("base64");
export const KEY_B = seededBytes(202, 32).toString("base64");

export function cacheIn(
  directory: string,
  key: string,
  extra: { maxSizeBytes?: number; chunkSize?: number } = {},
) {
  return createFsReferenceCache({ directory, encryptionKey: key, ...extra });
}

export function entryPathIn(directory: string, sha: string, key: string): string {
  return join(directory, "references", `${sha}.${parseCacheKey(key, "test").keyTag}.dgc`);
}

export async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x01;
  await writeFile(path, bytes);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
