import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LEFTOVER_MIN_AGE_MS, ownerMark } from "@dg/node";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient, type DeltaGliderClient } from "./index.js";

let root: string;
let client: DeltaGliderClient;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-partial-"));
  await mkdir(join(root, "store"));
  client = createClient({
    env: { DG_ENDPOINT_URL: pathToFileURL(join(root, "store")).href, DG_CACHE_BACKEND: "memory" },
    logger: { log() {} },
  });
});
afterEach(async () => {
  client.destroy();
  await rm(root, { recursive: true, force: true });
});

/** The owner mark of a process that has ended (its PID is free again). */
async function deadMark(): Promise<string> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  return ownerMark().replace(/^\d+/, String(child.pid));
}

describe("partial downloads", () => {
  it("the next download to a destination deletes the partials of dead processes, only those", async () => {
    await client.createBucket({ Bucket: "bkt" });
    const body = seededBytes("partial", 50_000);
    await client.putObject({ Bucket: "bkt", Key: "app.zip", Body: body });
    const out = join(root, "out");
    await client.downloadFile("s3://bkt/app.zip", join(out, "app.zip"));

    const dead = await deadMark();
    const live = ownerMark().replace(/^\d+/, String(process.ppid));
    const names = {
      dead: `.app.zip.${dead}-0123456789ab.dg-download`,
      deadFresh: `.app.zip.${dead}-ba9876543210.dg-download`,
      live: `.app.zip.${live}-0123456789ab.dg-download`,
      otherFile: `.other.zip.${dead}-0123456789ab.dg-download`,
    };
    const old = new Date(Date.now() - 2 * LEFTOVER_MIN_AGE_MS);
    for (const [which, name] of Object.entries(names)) {
      await writeFile(join(out, name), seededBytes(name, 1000));
      if (which !== "deadFresh") await utimes(join(out, name), old, old);
    }

    await client.downloadFile("s3://bkt/app.zip", join(out, "app.zip"));
    expect((await readdir(out)).sort()).toEqual(
      ["app.zip", names.deadFresh, names.live, names.otherFile].sort(),
    );
  });
});
