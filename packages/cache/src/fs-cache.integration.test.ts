import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { readdir, utimes, writeFile } from "node:fs/promises";
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
import { LEFTOVER_MIN_AGE_MS } from "@dg/node";
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

  it("deletes, at the next run's first use, what a process killed mid-put left: its temp file and its entries under its random key", async () => {
    const small = data.subarray(0, 1000);
    const file = join(folder.path, "input.bin");
    await writeFile(file, small);
    const cacheDir = join(folder.path, "cache");
    const references = join(cacheDir, "references");
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DG_CACHE_ENCRYPTION_KEY;
    const holder = spawn(
      process.execPath,
      [CHILD, DIST, "hold", cacheDir, sha256Hex(small), file],
      {
        env,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await once(holder.stdout, "data");
    const exited = once(holder, "exit");
    holder.kill("SIGKILL");
    await exited;
    const left = await readdir(references);
    // One entry under the dead process's random key, one temp file of the put it never ended.
    expect(left.filter((name) => name.endsWith(".dgc"))).toHaveLength(1);
    expect(left.filter((name) => name.startsWith(".tmp-"))).toHaveLength(1);
    // A shared-key entry of another process, as old: it stays.
    await child(["put", cacheDir, sha256Hex(small), file], KEY);
    const old = new Date(Date.now() - 2 * LEFTOVER_MIN_AGE_MS);
    for (const name of await readdir(references)) await utimes(join(references, name), old, old);
    const shared = (await readdir(references)).filter((name) => !left.includes(name));
    expect(shared).toHaveLength(1);

    const cache = createFsReferenceCache({ directory: cacheDir });
    expect(await cache.get(sha256Hex(small))).toBeUndefined();
    expect(await readdir(references)).toEqual(shared);
  });
});
