import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPythonTool, seededBytes } from "@dg/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { motoClient, motoStore, pythonDownload, uniqueBucket } from "../test/moto-client.js";
import type { DeltaGliderClient } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const extraKeyOf = (folder: string, bytes: Uint8Array) =>
  `${folder}/.dg-refs/${sha(bytes).slice(0, 16)}/reference.bin`;

/** `base` with `runs` runs of `length` new bytes spread evenly over it. */
function drifted(base: Uint8Array, seed: string, runs: number, length: number): Uint8Array {
  const out = base.slice();
  const step = Math.floor(base.length / runs);
  for (let i = 0; i < runs; i++) out.set(seededBytes(`${seed}-${i}`, length), i * step + 11);
  return out;
}

// A release, one that drifted by about 40 % (its delta passes the new-reference ratio), and a
// small change of that one.
const base = seededBytes("refs-base", 300_000);
const far = drifted(base, "far", 60, 2_000);
const near = drifted(far, "near", 3, 500);

const clients: DeltaGliderClient[] = [];
const client = (options: Parameters<typeof motoClient>[0] = {}) => {
  const made = motoClient(options);
  clients.push(made);
  return made;
};
afterAll(() => {
  for (const made of clients) made.destroy();
});

async function readBack(bucket: string, key: string): Promise<string> {
  const got = await client().getObject({ Bucket: bucket, Key: key });
  return sha(await got.Body.transformToByteArray());
}

async function storedKeys(bucket: string, prefix: string): Promise<string[]> {
  const raw = motoStore();
  try {
    return (await raw.store.listObjects(bucket, { prefix })).objects.map((o) => o.key);
  } finally {
    raw.destroy();
  }
}

describe("several references per folder (moto)", () => {
  it("a drifted release becomes an extra reference and the next one is a delta against it", async () => {
    const bucket = uniqueBucket("refs");
    const writer = client();
    await writer.createBucket({ Bucket: bucket });
    await writer.putObject({ Bucket: bucket, Key: "rel/app-1.zip", Body: base });
    const second = await writer.putObject({ Bucket: bucket, Key: "rel/app-2.zip", Body: far });
    expect(second.DeltaGliderInfo).toMatchObject({
      StorageType: "reference",
      ReferenceKey: extraKeyOf("rel", far),
    });
    const third = await writer.putObject({ Bucket: bucket, Key: "rel/app-3.zip", Body: near });
    expect(third.DeltaGliderInfo.StorageType).toBe("delta");
    expect(third.DeltaGliderInfo.ReferenceKey).toBe(extraKeyOf("rel", far));
    expect(third.DeltaGliderInfo.StoredSize).toBeLessThan(near.length / 20);
    const listed = await writer.listObjectsV2({ Bucket: bucket, Prefix: "rel/", Delimiter: "/" });
    expect(listed.Contents.map((o) => o.Key)).toEqual([
      "rel/app-1.zip",
      "rel/app-2.zip",
      "rel/app-3.zip",
    ]);
    expect(listed.CommonPrefixes ?? []).toEqual([]);
    expect(await readBack(bucket, "rel/app-3.zip")).toBe(sha(near));
  });

  it("concurrent uploads creating references leave deltas that all decode", async () => {
    const bucket = uniqueBucket("refs-race");
    const setup = client();
    await setup.createBucket({ Bucket: bucket });
    await setup.putObject({ Bucket: bucket, Key: "race/app-0.zip", Body: base });
    // Four drifted releases at once, two of them the same bytes (the same extra reference key).
    const bodies = [
      drifted(base, "r1", 60, 2_000),
      drifted(base, "r2", 60, 2_000),
      drifted(base, "r3", 60, 2_000),
      drifted(base, "r3", 60, 2_000),
    ];
    const results = await Promise.all(
      bodies.map((body, i) =>
        client().putObject({ Bucket: bucket, Key: `race/app-${i + 1}.zip`, Body: body }),
      ),
    );
    for (const result of results) {
      const info = result.DeltaGliderInfo;
      // A reference, a delta, or (moto's create-only writes are not atomic) a direct file.
      expect(["reference", "delta", "direct"], JSON.stringify(info)).toContain(info.StorageType);
    }
    const references = (await storedKeys(bucket, "race/")).filter((k) => k.includes(".dg-refs/"));
    expect(references.length).toBeGreaterThanOrEqual(1);
    expect(references.length).toBeLessThanOrEqual(3);
    for (const [i, body] of [base, ...bodies].entries()) {
      expect(await readBack(bucket, `race/app-${i}.zip`), `app-${i}`).toBe(sha(body));
    }
  });

  it("deleting removes each reference with the last delta that names it", async () => {
    const bucket = uniqueBucket("refs-delete");
    const writer = client();
    await writer.createBucket({ Bucket: bucket });
    await writer.putObject({ Bucket: bucket, Key: "d/app-1.zip", Body: base });
    await writer.putObject({ Bucket: bucket, Key: "d/app-2.zip", Body: far });
    await writer.putObject({ Bucket: bucket, Key: "d/app-3.zip", Body: near });
    const extra = extraKeyOf("d", far);
    await writer.deleteObject({ Bucket: bucket, Key: "d/app-2.zip" });
    expect(await storedKeys(bucket, "d/")).toContain(extra); // app-3 still needs it
    await writer.deleteObject({ Bucket: bucket, Key: "d/app-3.zip" });
    expect(await storedKeys(bucket, "d/")).toEqual(["d/app-1.zip.delta", "d/reference.bin"]);
    await writer.deleteObjects({ Bucket: bucket, Delete: { Objects: [{ Key: "d/app-1.zip" }] } });
    expect(await storedKeys(bucket, "d/")).toEqual([]);
  });
});

const python = findPythonTool();
describe.skipIf(!python.found)(
  `the Python DeltaGlider reads deltas against an extra reference${python.found ? "" : ` (skipped: ${python.reason})`}`,
  () => {
    it("rebuilds a zero-diff delta and a delta that name .dg-refs/<id>/reference.bin", async () => {
      if (!python.found) return;
      const bucket = uniqueBucket("refs-python");
      const writer = client({ compat: true });
      await writer.createBucket({ Bucket: bucket });
      await writer.putObject({ Bucket: bucket, Key: "py/app-1.zip", Body: base });
      await writer.putObject({ Bucket: bucket, Key: "py/app-2.zip", Body: far });
      const third = await writer.putObject({ Bucket: bucket, Key: "py/app-3.zip", Body: near });
      expect(third.DeltaGliderInfo.ReferenceKey).toBe(extraKeyOf("py", far));
      const home = await mkdtemp(join(tmpdir(), "dg-refs-python-"));
      try {
        for (const [name, bytes] of [
          ["app-2.zip", far],
          ["app-3.zip", near],
        ] as const) {
          const got = await pythonDownload(
            python.path,
            `s3://${bucket}/py/${name}`,
            join(home, name),
            home,
          );
          expect(sha(got), name).toBe(sha(bytes));
        }
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    });
  },
);
