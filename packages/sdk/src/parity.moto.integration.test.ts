import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng, seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concat } from "../test/memory-client.js";
import { motoClient, motoStore, uniqueBucket } from "../test/moto-client.js";
import type { BatchProgressEvent, DeltaGliderClient } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const base = seededBytes("parity-base", 120_000);
/** A release that shares the base and differs in a few seeded places. */
const release = (label: string) =>
  concat(base.subarray(0, 60_000), seededBytes(label, 1_500), base.subarray(60_000));

let client: DeltaGliderClient;
let raw: ReturnType<typeof motoStore>;
let dir: string;

beforeAll(async () => {
  raw = motoStore();
  client = motoClient();
  dir = await mkdtemp(join(tmpdir(), "dg-sdk-parity-"));
});
afterAll(async () => {
  client.destroy();
  raw.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function storedKeys(bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await raw.store.listObjects(bucket, {
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    // deltaglider's own `.deltaglider/` (the object-facts index) aside.
    keys.push(...page.objects.map((o) => o.key).filter((key) => !key.startsWith(".deltaglider/")));
    token = page.nextContinuationToken;
  } while (token !== undefined);
  return keys.sort();
}

describe("batches (moto)", () => {
  it("uploads and downloads many files with one progress stream; one failing file does not stop the rest", async () => {
    const bucket = uniqueBucket("batch");
    await client.createBucket({ Bucket: bucket });
    const files = ["app-1.0.zip", "app-1.1.zip", "app-1.2.zip", "app-1.3.zip"];
    const contents = new Map(files.map((name) => [name, release(`batch-${name}`)]));
    for (const [name, bytes] of contents) await writeFile(join(dir, name), bytes);
    const items = [
      ...files.map((name) => ({ path: join(dir, name), to: `s3://${bucket}/rel/` })),
      { path: join(dir, "missing.zip"), to: `s3://${bucket}/rel/` },
    ];
    const events: BatchProgressEvent[] = [];
    const up = await client.uploadFiles(items, {
      concurrency: 2,
      onProgress: (event) => events.push(event),
    });
    expect(up).toMatchObject({ succeeded: 4, failed: 1 });
    expect(up.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    const failure = up.results[4];
    expect(failure?.ok).toBe(false);
    if (failure && !failure.ok) expect(failure.error).toMatchObject({ code: "NOT_FOUND" });
    const stored = up.results.flatMap((r) => (r.ok ? [r.result.storageType] : []));
    expect(stored.filter((type) => type === "delta").length).toBeGreaterThanOrEqual(2);
    const last = events.at(-1);
    expect(last?.totals).toMatchObject({ files: 5, done: 4, failed: 1 });
    const total = files.reduce((sum, name) => sum + (contents.get(name)?.length ?? 0), 0);
    expect(events.filter((e) => e.type === "file-bytes").at(-1)?.totals.bytes).toBe(total);
    expect(events.filter((e) => e.type === "file-failed").map((e) => e.index)).toEqual([4]);

    const out = join(dir, "out");
    const down = await client.downloadFiles(
      [
        ...files.map((name) => ({ from: `s3://${bucket}/rel/${name}`, path: `${out}/` })),
        { from: { bucket, key: "rel/absent.zip" }, path: `${out}/` },
      ],
      { concurrency: 3 },
    );
    expect(down).toMatchObject({ succeeded: 4, failed: 1 });
    for (const name of files) {
      expect(sha(await readFile(join(out, name)))).toBe(
        sha(contents.get(name) ?? new Uint8Array()),
      );
    }
    const missing = down.results[4];
    if (missing && !missing.ok) expect(missing.error).toMatchObject({ code: "NOT_FOUND" });
    else throw new Error("the absent object should fail");
  });
});

describe("deleteObjectsRecursive (moto)", () => {
  it("deletes a folder tree and leaves no reference behind, nor touches its neighbours", async () => {
    const bucket = uniqueBucket("rmr");
    await client.createBucket({ Bucket: bucket });
    for (const key of ["old/a-1.zip", "old/a-2.zip", "old/deep/b-1.zip", "older/a-1.zip"]) {
      await client.putObject({ Bucket: bucket, Key: key, Body: release(`rmr-${key}`) });
    }
    await client.putObject({ Bucket: bucket, Key: "old/readme.txt", Body: "notes" });
    // A reference no delta needs, as a crash or another tool can leave one.
    await raw.store.putObject(bucket, "old/orphan/reference.bin", seededBytes("rmr-orphan", 100), {
      metadata: { "dg-file-sha256": "a".repeat(64), "dg-note": "reference" },
    });
    const dry = await client.deleteObjectsRecursive(`s3://${bucket}/old`, { dryRun: true });
    expect(dry.deleted).toHaveLength(4);
    expect((await storedKeys(bucket)).filter((k) => k.startsWith("old/"))).toHaveLength(7);

    const batches: string[][] = [];
    const result = await client.deleteObjectsRecursive(`s3://${bucket}/old`, {
      onBatch: (batch) => batches.push([...batch.deleted]),
    });
    expect(result.prefix).toBe("old/");
    expect(result.errors).toEqual([]);
    expect([...result.deleted].sort()).toEqual([
      "old/a-1.zip",
      "old/a-2.zip",
      "old/deep/b-1.zip",
      "old/readme.txt",
    ]);
    expect([...result.referencesDeleted].sort()).toEqual([
      "old/deep/reference.bin",
      "old/orphan/reference.bin",
      "old/reference.bin",
    ]);
    expect(batches.flat().sort()).toEqual([...result.deleted].sort());
    expect(await storedKeys(bucket)).toEqual(["older/a-1.zip.delta", "older/reference.bin"]);
  });
});

describe("findSimilarFiles (moto)", () => {
  it("ranks stored files by name shape, version, extension and size", async () => {
    const bucket = uniqueBucket("similar");
    await client.createBucket({ Bucket: bucket });
    const rng = createRng(17);
    // Sizes of the app's releases drift a little from version to version (seeded).
    const sized = (label: string, size: number) => seededBytes(label, size);
    const appSize = 50_000;
    const stored: [string, number][] = [
      ["app/app-1.0.zip", appSize - 2_000 - rng.int(0, 500)],
      ["app/app-1.1.zip", appSize - 1_000 - rng.int(0, 500)],
      ["app/app-1.2.zip", appSize - rng.int(0, 500)],
      ["app/app-2.0.tar.gz", appSize + rng.int(0, 500)],
      ["app/tool-1.2.zip", 5_000 + rng.int(0, 500)],
      ["app/readme.txt", 300 + rng.int(0, 50)],
      ["other/app-1.2.zip", appSize],
    ];
    for (const [key, size] of stored) {
      await client.putObject({ Bucket: bucket, Key: key, Body: sized(`similar-${key}`, size) });
    }
    const ranked = await client.findSimilarFiles(bucket, "app/", {
      name: "app-1.3.zip",
      size: appSize,
    });
    const keys = ranked.map((found) => found.key);
    expect(keys.slice(0, 3)).toEqual(["app/app-1.2.zip", "app/app-1.1.zip", "app/app-1.0.zip"]);
    expect(keys).not.toContain("app/readme.txt");
    expect(keys).not.toContain("other/app-1.2.zip");
    for (let i = 1; i < ranked.length; i++) {
      expect(ranked[i - 1]?.similarity).toBeGreaterThanOrEqual(ranked[i]?.similarity ?? 1);
    }
    const best = ranked[0];
    expect(best?.scores.extension).toBe(1);
    expect(best?.size).toBe(stored[2]?.[1]);
    // A local file: its own name and size.
    const local = join(dir, "tool-1.3.zip");
    await writeFile(local, sized("similar-local", 5_200));
    const forTool = await client.findSimilarFiles(bucket, "app/", local, { limit: 1 });
    expect(forTool.map((found) => found.key)).toEqual(["app/tool-1.2.zip"]);
  });
});
