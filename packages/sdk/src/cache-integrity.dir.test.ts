import { createHash } from "node:crypto";
import { mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { seededBytes } from "@dg/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { concat } from "../test/memory-client.js";
import { createClient, type DeltaGliderClient } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes("tamper-1", 600_000);
const v2 = concat(v1, seededBytes("tamper-2", 1_000));
const v3 = concat(v1, seededBytes("tamper-3", 2_000));

let root: string;
let cacheDir: string;
let client: DeltaGliderClient;
const warnings: string[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-tamper-"));
  cacheDir = join(root, "cache");
  warnings.length = 0;
  client = createClient({
    env: {
      DG_ENDPOINT_URL: pathToFileURL(join(root, "store")).href,
      DG_CACHE_BACKEND: "filesystem",
      DG_CACHE_DIR: cacheDir,
    },
    logger: { log: (level, message) => level === "warn" && warnings.push(message) },
  });
  await client.createBucket({ Bucket: "rel" });
  await client.putObject({ Bucket: "rel", Key: "app/v1.zip", Body: v1 });
  await client.putObject({ Bucket: "rel", Key: "app/v2.zip", Body: v2 });
});

afterEach(async () => {
  client.destroy();
  await rm(root, { recursive: true, force: true });
});

/** Flip one byte in the middle of every cached entry: a chunk, not the header, is damaged. */
async function tamperWithTheCache(): Promise<number> {
  const folder = join(cacheDir, "references");
  const entries = (await readdir(folder)).filter((name) => name.endsWith(".dgc"));
  for (const name of entries) {
    const handle = await open(join(folder, name), "r+");
    try {
      const at = Math.floor((await handle.stat()).size / 2);
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, at);
      byte[0] = (byte[0] ?? 0) ^ 0xff;
      await handle.write(byte, 0, 1, at);
    } finally {
      await handle.close();
    }
  }
  return entries.length;
}

describe("a tampered entry of the encrypted reference cache", () => {
  it("is deleted and the reference fetched again when a download reads it", async () => {
    expect(await tamperWithTheCache()).toBe(1);
    const got = await client.getObject({ Bucket: "rel", Key: "app/v2.zip" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v2));
    expect(warnings.some((line) => line.includes("integrity check"))).toBe(true);
  });

  it("is deleted and the reference fetched again when an upload reads it", async () => {
    expect(await tamperWithTheCache()).toBe(1);
    const put = await client.putObject({ Bucket: "rel", Key: "app/v3.zip", Body: v3 });
    expect(put.DeltaGliderInfo.StorageType).toBe("delta");
    const got = await client.getObject({ Bucket: "rel", Key: "app/v3.zip" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(v3));
  });
});
