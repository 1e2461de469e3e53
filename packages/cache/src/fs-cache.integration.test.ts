import { execFile } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  readAll,
  sameBytes,
  seededBytes,
  sha256Hex,
  streamOf,
  tempFolder,
} from "../test/helpers.js";
import { createFsReferenceCache } from "./fs-cache.js";

const run = promisify(execFile);
const DIST = pathToFileURL(new URL("../dist/index.js", import.meta.url).pathname).href;
const CHILD = new URL("../test/child-cache.mjs", import.meta.url).pathname;
const KEY = seededBytes(500, 32).toString("base64");
const OTHER_KEY = seededBytes(501, 32).toString("base64");

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-cache-2proc-");
});
afterEach(async () => {
  await folder.remove();
});

async function child(
  args: string[],
  key: string | undefined,
): Promise<{ hit?: boolean; sha256?: string; size?: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DG_CACHE_ENCRYPTION_KEY;
  if (key !== undefined) env.DG_CACHE_ENCRYPTION_KEY = key;
  const { stdout } = await run(process.execPath, [CHILD, DIST, ...args], { env });
  return JSON.parse(stdout) as { hit?: boolean; sha256?: string; size?: number };
}

describe("two processes sharing a cache folder", () => {
  const data = seededBytes(77, 1_500_007);
  const sha = sha256Hex(data);

  it("reads in a second process what the first wrote, with the same key", async () => {
    const cache = createFsReferenceCache({ directory: folder.path, encryptionKey: KEY });
    await (await cache.put(sha, streamOf(data, 65_000))).close();
    expect(await child(["get", folder.path, sha], KEY)).toEqual({
      hit: true,
      sha256: sha,
      size: data.length,
    });
  });

  it("reads in this process what a second process wrote, with the same key", async () => {
    const file = join(folder.path, "input.bin");
    await writeFile(file, data);
    const cacheDir = join(folder.path, "cache");
    await child(["put", cacheDir, sha, file], KEY);
    const cache = createFsReferenceCache({ directory: cacheDir, encryptionKey: KEY });
    const source = await cache.get(sha);
    expect(sameBytes(source && (await readAll(source)), data)).toBe(true);
    await source?.close();
  });

  it("misses with another key, and leaves the entry for its owner", async () => {
    const cache = createFsReferenceCache({ directory: folder.path, encryptionKey: KEY });
    await (await cache.put(sha, streamOf(data))).close();
    expect(await child(["get", folder.path, sha], OTHER_KEY)).toEqual({ hit: false });
    expect(await child(["get", folder.path, sha], undefined)).toEqual({ hit: false });
    const again = await cache.get(sha);
    expect(again).toBeDefined();
    await again?.close();
  });

  it("removes at exit what a process stored under its random key", async () => {
    const file = join(folder.path, "input.bin");
    await writeFile(file, data.subarray(0, 1000));
    const cacheDir = join(folder.path, "cache");
    await child(["put", cacheDir, sha256Hex(data.subarray(0, 1000)), file], undefined);
    expect(await readdir(join(cacheDir, "references"))).toEqual([]);
  });
});
