import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempFolder } from "@dg/testkit";
import {
  hostToken,
  LEFTOVER_MIN_AGE_MS,
  ownerGone,
  ownerMark,
  sweepLeftovers,
} from "./leftovers.js";
import { createTempFile, sweepTempFolder } from "./temp-files.js";

const DIST = pathToFileURL(new URL("../dist/index.js", import.meta.url).pathname).href;
const CHILD = new URL("../test/child-hold-temp.mjs", import.meta.url).pathname;

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-leftovers-");
});
afterEach(async () => {
  await folder.remove();
});

/** Start the child, wait for the line that says its files exist, then SIGKILL it. */
async function killedMidOperation(directory: string): Promise<{ pid: number; paths: string[] }> {
  const child = spawn(process.execPath, [CHILD, DIST, directory], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout.setEncoding("utf8"), "data")) as [string];
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
  return JSON.parse(line) as { pid: number; paths: string[] };
}

const old = new Date(Date.now() - 2 * LEFTOVER_MIN_AGE_MS);

async function ageAll(directory: string): Promise<void> {
  for (const name of await readdir(directory)) await utimes(join(directory, name), old, old);
}

describe("ownerGone", () => {
  it("is true only for a PID of this host token that no process has", async () => {
    const { pid } = await killedMidOperation(folder.path);
    expect(ownerGone(`${pid}-${hostToken()}`)).toBe(true);
    expect(ownerGone(ownerMark())).toBe(false);
    expect(ownerGone(`${process.ppid}-${hostToken()}`)).toBe(false);
    const other = hostToken() === "00000000" ? "11111111" : "00000000";
    expect(ownerGone(`${pid}-${other}`)).toBe(false);
    expect(ownerGone("not a mark")).toBe(false);
  });
});

describe("sweepTempFolder after a kill -9", () => {
  it("removes the dead process's old temp files and folders, and nothing else", async () => {
    const { pid } = await killedMidOperation(folder.path);
    const leftovers = await readdir(folder.path);
    // The temp file, the temp folder and the scratch file: nothing removed them at exit.
    expect(leftovers).toHaveLength(3);
    await ageAll(folder.path);
    // Beside them: a live process's file, a foreign host's, the dead one's that is too fresh.
    const live = `deltaglider-${process.ppid}-${hostToken()}-0123456789abcdef.tmp`;
    const foreign = `deltaglider-${pid}-${hostToken() === "00000000" ? "11111111" : "00000000"}-0123456789abcdef.tmp`;
    for (const name of [live, foreign]) {
      await writeFile(join(folder.path, name), "x");
      await utimes(join(folder.path, name), old, old);
    }
    const fresh = `deltaglider-${pid}-${hostToken()}-fedcba9876543210.tmp`;
    await writeFile(join(folder.path, fresh), "x");
    await writeFile(join(folder.path, "notes.txt"), "x");
    await utimes(join(folder.path, "notes.txt"), old, old);

    const removed = await sweepTempFolder(folder.path);
    expect(removed.map((path) => path.slice(folder.path.length + 1)).sort()).toEqual(
      [...leftovers].sort(),
    );
    expect((await readdir(folder.path)).sort()).toEqual([foreign, fresh, live, "notes.txt"].sort());
  });

  it("runs before the first temp file a process makes in a folder", async () => {
    const sub = join(folder.path, "sub");
    await mkdir(sub);
    await killedMidOperation(sub);
    await ageAll(sub);
    const temp = await createTempFile({ directory: sub });
    await temp.handle.close();
    expect(await readdir(sub)).toEqual([temp.path.slice(sub.length + 1)]);
    await temp.remove();
  });
});

describe("sweepLeftovers", () => {
  it("leaves a folder it cannot read alone", async () => {
    expect(await sweepLeftovers(join(folder.path, "missing"), () => ownerMark())).toEqual([]);
  });
});
