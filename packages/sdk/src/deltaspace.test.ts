import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { concat, memoryClient } from "../test/memory-client.js";

const base = seededBytes(31, 20_000);
const version = (i: number) => concat(base, seededBytes(200 + i, 50 + i));

async function fill() {
  const made = memoryClient();
  const { client, store } = made;
  for (let i = 0; i < 3; i++) {
    await client.putObject({ Bucket: "bkt", Key: `rel/app-${i}.zip`, Body: version(i) });
  }
  await client.putObject({ Bucket: "bkt", Key: "rel/notes.txt", Body: "release notes" });
  await client.putObject({ Bucket: "bkt", Key: "rel/empty.zip", Body: new Uint8Array(0) });
  await client.putObject({
    Bucket: "bkt",
    Key: "rel/whole.zip",
    Body: version(9),
    UseDelta: false,
  });
  await store.putObject("bkt", "rel/foreign.bin", seededBytes(5, 100), { metadata: {} });
  await client.putObject({ Bucket: "bkt", Key: "rel/sub/deeper.zip", Body: version(4) });
  return made;
}

describe("describeDeltaspace", () => {
  it("tells how each object of the folder is stored, sub-folders left out", async () => {
    const { client } = await fill();
    const progress: { listed: number; described: number }[] = [];
    const details = await client.describeDeltaspace("bkt", "rel/", {
      onProgress: (p) => progress.push(p),
    });
    expect(details.deltaspace).toBe("rel");
    const byKey = new Map(details.objects.map((o) => [o.key, o]));
    expect([...byKey.keys()].sort()).toEqual([
      "rel/app-0.zip",
      "rel/app-1.zip",
      "rel/app-2.zip",
      "rel/empty.zip",
      "rel/foreign.bin",
      "rel/notes.txt",
      "rel/reference.bin",
      "rel/whole.zip",
    ]);
    const reference = byKey.get("rel/reference.bin");
    expect(reference).toMatchObject({
      storage: "reference",
      storedKey: "rel/reference.bin",
      originalSize: version(0).length,
      storedSize: version(0).length,
      sourceName: "app-0.zip",
    });
    expect(byKey.get("rel/app-0.zip")).toMatchObject({
      storage: "delta",
      storedKey: "rel/app-0.zip.delta",
      originalSize: version(0).length,
      zeroDiff: true,
      referenceSha256: reference?.sha256,
    });
    const second = byKey.get("rel/app-2.zip");
    expect(second).toMatchObject({ storage: "delta", originalSize: version(2).length });
    expect(second?.zeroDiff).toBeUndefined();
    expect(second?.broken).toBeUndefined();
    expect(second?.storedSize).toBeLessThan(version(2).length);
    expect(second?.createdAt?.toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(byKey.get("rel/notes.txt")).toMatchObject({
      storage: "direct",
      directReason: "not-eligible",
      originalSize: 13,
    });
    expect(byKey.get("rel/empty.zip")).toMatchObject({ storage: "direct", directReason: "empty" });
    expect(byKey.get("rel/whole.zip")).toMatchObject({
      storage: "direct",
      originalSize: version(9).length,
      directReason: "delta-disabled",
    });
    expect(byKey.get("rel/foreign.bin")).toMatchObject({ storage: "foreign", originalSize: 100 });
    expect(progress.at(-1)).toEqual({ listed: 8, described: 8 });
    expect(progress[0]).toEqual({ listed: 8, described: 0 });
  });

  it("tells every reason a file is stored whole: recorded on the object, or shown by it", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "why/app-0.zip", Body: version(0) });
    const unrelated = await client.putObject({
      Bucket: "bkt",
      Key: "why/other.zip",
      Body: seededBytes(77, 20_000),
    });
    expect(unrelated.DeltaGliderInfo).toMatchObject({
      StorageType: "direct",
      DirectReason: "max-ratio",
    });
    await client.putObject({
      Bucket: "bkt",
      Key: "why/off.zip",
      Body: version(1),
      UseDelta: false,
    });
    await client.putObject({ Bucket: "bkt", Key: "why/notes.txt", Body: "notes" });
    await client.putObject({ Bucket: "bkt", Key: "why/empty.zip", Body: new Uint8Array(0) });
    // What a concurrent upload leaves (see the core's reference-changed test), and a direct
    // object written before reasons were recorded.
    const planted = (await store.headObject("bkt", "why/off.zip"))?.metadata ?? {};
    const { "dg-direct-reason": _reason, ...legacy } = planted;
    await store.putObject("bkt", "why/raced.zip", version(2), {
      metadata: { ...legacy, "dg-direct-reason": "reference-changed" },
    });
    await store.putObject("bkt", "why/old.zip", version(3), { metadata: legacy });
    await store.putObject("bkt", "why/odd.zip", version(4), {
      metadata: { ...legacy, "dg-direct-reason": "no-such-reason" },
    });
    const { objects } = await client.describeDeltaspace("bkt", "why/");
    const reasons = Object.fromEntries(
      objects.filter((o) => o.storage === "direct").map((o) => [o.key, o.directReason]),
    );
    expect(reasons).toEqual({
      "why/other.zip": "max-ratio",
      "why/off.zip": "delta-disabled",
      "why/notes.txt": "not-eligible",
      "why/empty.zip": "empty",
      "why/raced.zip": "reference-changed",
      "why/old.zip": undefined,
      "why/odd.zip": undefined,
    });
    // headObject and getObjectInfo tell it too.
    const head = await client.headObject({ Bucket: "bkt", Key: "why/other.zip" });
    expect(head.DeltaGliderInfo.DirectReason).toBe("max-ratio");
    expect((await client.getObjectInfo("s3://bkt/why/notes.txt")).directReason).toBe(
      "not-eligible",
    );
    expect((await client.getObjectInfo("s3://bkt/why/old.zip")).directReason).toBeUndefined();
  });

  it("does not mark deltas against an extra reference (.dg-refs/) as broken", async () => {
    const { client, store } = memoryClient();
    // The memory prefix codec deltas everything after the first difference: a new start
    // makes a file drift away from reference.bin and become a reference of its own.
    const v1 = seededBytes(41, 60_000);
    const drifted = v1.slice();
    drifted.set(seededBytes(42, 200));
    const next = drifted.slice();
    next.set(seededBytes(43, 500), next.length - 500);
    await client.putObject({ Bucket: "bkt", Key: "refs/app-1.zip", Body: v1 });
    const second = await client.putObject({ Bucket: "bkt", Key: "refs/app-2.zip", Body: drifted });
    expect(second.DeltaGliderInfo.StorageType).toBe("reference");
    expect(second.DeltaGliderInfo.ReferenceKey).toMatch(/^refs\/\.dg-refs\//);
    const third = await client.putObject({ Bucket: "bkt", Key: "refs/app-3.zip", Body: next });
    expect(third.DeltaGliderInfo.ReferenceKey).toBe(second.DeltaGliderInfo.ReferenceKey);
    let { objects } = await client.describeDeltaspace("bkt", "refs/");
    const deltas = objects.filter((o) => o.storage === "delta");
    expect(deltas.map((o) => o.key).sort()).toEqual([
      "refs/app-1.zip",
      "refs/app-2.zip",
      "refs/app-3.zip",
    ]);
    expect(deltas.filter((o) => o.broken)).toEqual([]);
    // With the extra reference gone, its deltas are broken.
    await store.deleteObject("bkt", second.DeltaGliderInfo.ReferenceKey as string);
    ({ objects } = await client.describeDeltaspace("bkt", "refs/"));
    expect(
      objects
        .filter((o) => o.broken)
        .map((o) => o.key)
        .sort(),
    ).toEqual(["refs/app-2.zip", "refs/app-3.zip"]);
  });

  it("marks deltas whose reference was replaced or is missing as broken", async () => {
    const { client, store } = await fill();
    const ref = await store.headObject("bkt", "rel/reference.bin");
    await store.putObject("bkt", "rel/reference.bin", base, {
      metadata: { ...ref?.metadata, "dg-file-sha256": "0".repeat(64) },
    });
    const details = await client.describeDeltaspace("bkt", "rel");
    const deltas = details.objects.filter((o) => o.storage === "delta");
    expect(deltas).toHaveLength(3);
    expect(deltas.every((o) => o.broken === true)).toBe(true);
    expect(details.objects.find((o) => o.key === "rel/notes.txt")?.broken).toBeUndefined();

    await store.deleteObject("bkt", "rel/reference.bin");
    const without = await client.describeDeltaspace("bkt", "rel");
    expect(without.objects.some((o) => o.storage === "reference")).toBe(false);
    expect(without.objects.filter((o) => o.broken).map((o) => o.key)).toHaveLength(3);
  });

  it("describes the bucket root without deltaglider's own folder", async () => {
    const { client, store } = memoryClient();
    await client.putObject({ Bucket: "bkt", Key: "top.zip", Body: version(1) });
    await store.putObject("bkt", ".deltaglider/cli-stats/v1/x.json", new Uint8Array(2), {
      metadata: {},
    });
    const details = await client.describeDeltaspace("bkt", "");
    expect(details.deltaspace).toBe("");
    expect(details.objects.map((o) => o.key).sort()).toEqual(["reference.bin", "top.zip"]);
  });

  it("describes an empty folder as no objects", async () => {
    const { client } = memoryClient();
    expect((await client.describeDeltaspace("bkt", "nothing/")).objects).toEqual([]);
  });
});

describe("getBucketStats reference dates", () => {
  it("gives each deltaspace with a reference the reference's date", async () => {
    const { client } = await fill();
    const stats = await client.getBucketStats("bkt");
    const rel = stats.deltaspaces.find((s) => s.deltaspace === "rel");
    expect(rel?.referenceModified).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Number.isNaN(Date.parse(rel?.referenceModified ?? ""))).toBe(false);
  });
});
