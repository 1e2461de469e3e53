import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempFolder } from "@dg/testkit";
import { tempNameOwner } from "./temp-files.js";

const run = promisify(execFile);
const DIST = pathToFileURL(new URL("../dist/index.js", import.meta.url).pathname).href;
const CHILD = new URL("../test/child-temp.mjs", import.meta.url).pathname;

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-exit-cleanup-");
});
afterEach(async () => {
  await folder.remove();
});

describe("temporary files at exit", () => {
  it("are named with the owning process id, and removed when it exits without disposing them", async () => {
    const { stdout } = await run(process.execPath, [CHILD, DIST, folder.path]);
    const { pid, names } = JSON.parse(stdout) as { pid: number; names: string[] };
    expect(names).toHaveLength(3);
    expect(names.map(tempNameOwner)).toEqual([pid, pid, pid]);
    expect(names.map((name) => name.slice(name.lastIndexOf("."))).sort()).toEqual([
      ".part",
      ".tmp",
      ".work",
    ]);
    expect(await readdir(folder.path)).toEqual([]);
  });
});
