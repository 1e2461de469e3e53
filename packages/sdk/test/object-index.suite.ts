import type { ObjectStore } from "@dg/core";
import { FACTS_PREFIX } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { expect, it } from "vitest";
import type { DeltaGliderClient } from "../src/index.js";

/** What the suite runs on: a fresh client (a new writer) over a HEAD-counting store. */
export interface IndexSetup {
  readonly bucket: string;
  /** The raw store, to plant objects by hand and to look at `.deltaglider/facts/`. */
  readonly store: ObjectStore;
  /** A new client on the same bucket (its own writer id), whose HEADs are counted. */
  client(): { readonly client: DeltaGliderClient; readonly heads: string[] };
}

/** The same release with a few seeded edits per version: small deltas. */
function versions(seed: string, count: number): Uint8Array[] {
  const base = seededBytes(`${seed}-base`, 120_000);
  return Array.from({ length: count }, (_, v) => {
    const copy = new Uint8Array(base);
    copy.set(seededBytes(`${seed}-${v}`, 64), 1000 + v * 5000);
    return copy;
  });
}

/** A counting store: every HEAD's key is pushed to `heads`. */
export function countingHeads(store: ObjectStore): { store: ObjectStore; heads: string[] } {
  const heads: string[] = [];
  return {
    heads,
    store: {
      ...store,
      async headObject(bucket, key, options) {
        heads.push(key);
        return store.headObject(bucket, key, options);
      },
    },
  };
}

async function listed(client: DeltaGliderClient, bucket: string, prefix: string) {
  const out: string[] = [];
  for await (const o of client.listAllObjects({ Bucket: bucket, Prefix: prefix })) {
    out.push(`${o.Key} ${o.Size}`);
  }
  return out;
}

async function indexKeys(store: ObjectStore, bucket: string): Promise<string[]> {
  return (await store.listObjects(bucket, { prefix: FACTS_PREFIX })).objects.map((o) => o.key);
}

/** The object-facts index, on any store (`file://`, moto). */
export function objectIndexSuite(setup: () => IndexSetup): void {
  it("uploads record their deltas: another client lists them without a HEAD", async () => {
    const { bucket, store, client } = setup();
    const [v1, v2, v3] = versions("facts", 3) as [Uint8Array, Uint8Array, Uint8Array];
    const writer = client().client;
    for (const [i, body] of [v1, v2, v3].entries()) {
      await writer.putObject({ Bucket: bucket, Key: `up/app-${i}.zip`, Body: body });
    }
    expect((await indexKeys(store, bucket)).length).toBeGreaterThan(0);
    const reader = client();
    expect(await listed(reader.client, bucket, "up/")).toEqual([
      `up/app-0.zip ${v1.length}`,
      `up/app-1.zip ${v2.length}`,
      `up/app-2.zip ${v3.length}`,
    ]);
    // The deltas and the folder's reference were recorded by the uploads: no HEAD at all.
    expect(reader.heads).toEqual([]);
  });

  it("ignores an entry whose ETag no longer matches, and HEADs the object", async () => {
    const { bucket, store, client } = setup();
    const [v1, v2] = versions("stale", 2) as [Uint8Array, Uint8Array];
    const writer = client().client;
    await writer.putObject({ Bucket: bucket, Key: "stale/app-1.zip", Body: v1 });
    await writer.putObject({ Bucket: bucket, Key: "stale/app-2.zip", Body: v2 });
    // Replaced behind deltaglider's back: other bytes, another recorded size.
    const key = "stale/app-2.zip.delta";
    const head = await store.headObject(bucket, key);
    const replaced = seededBytes("replaced", 300);
    await store.putObject(bucket, key, replaced, {
      metadata: { ...head?.metadata, "dg-file-size": "777777" },
    });
    const reader = client();
    expect(await listed(reader.client, bucket, "stale/")).toEqual([
      `stale/app-1.zip ${v1.length}`,
      "stale/app-2.zip 777777",
    ]);
    expect(reader.heads).toContain(key);
    expect(reader.heads).not.toContain("stale/app-1.zip.delta");
  });

  it("HEADs an object written by hand, and knows it afterwards", async () => {
    const { bucket, store, client } = setup();
    const body = seededBytes("by-hand", 500);
    // A `.delta` key without deltaglider metadata: someone else's object, listed as it is.
    await store.putObject(bucket, "hand/notes.zip.delta", body, {});
    await store.putObject(bucket, "hand/reference.bin", body, {});
    const first = client();
    expect(await listed(first.client, bucket, "hand/")).toEqual([
      "hand/notes.zip.delta 500",
      "hand/reference.bin 500",
    ]);
    expect([...first.heads].sort()).toEqual(["hand/notes.zip.delta", "hand/reference.bin"]);
    const second = client();
    expect(await listed(second.client, bucket, "hand/")).toHaveLength(2);
    expect(second.heads).toEqual([]);
  });

  it("two writers in one folder at once: both documents kept, merged on read", async () => {
    const { bucket, store, client } = setup();
    const bodies = versions("two", 6);
    const a = client().client;
    const b = client().client;
    // The folder's reference first, so that every later upload is a delta.
    await a.putObject({ Bucket: bucket, Key: "two/app-0.zip", Body: bodies[0] as Uint8Array });
    await Promise.all(
      bodies.slice(1).map((body, i) =>
        (i % 2 === 0 ? a : b).putObject({
          Bucket: bucket,
          Key: `two/app-${i + 1}.zip`,
          Body: body,
        }),
      ),
    );
    const documents = (await indexKeys(store, bucket)).filter((k) => k.startsWith(FACTS_PREFIX));
    expect(documents.length).toBeGreaterThanOrEqual(2);
    const reader = client();
    expect(await listed(reader.client, bucket, "two/")).toEqual(
      bodies.map((body, i) => `two/app-${i}.zip ${body.length}`),
    );
    expect(reader.heads.filter((key) => key.endsWith(".delta"))).toEqual([]);
  });

  it("purge rebuilds the index from the objects, or drops it", async () => {
    const { bucket, store, client } = setup();
    const [v1, v2] = versions("purge", 2) as [Uint8Array, Uint8Array];
    const writer = client().client;
    await writer.putObject({ Bucket: bucket, Key: "p/app-1.zip", Body: v1 });
    await writer.putObject({ Bucket: bucket, Key: "p/app-2.zip", Body: v2 });
    const dropped = await writer.dropObjectIndex(bucket);
    expect(dropped.documentsDeleted).toBeGreaterThan(0);
    expect(await indexKeys(store, bucket)).toEqual([]);
    const rebuilt = await writer.rebuildObjectIndex(bucket);
    expect(rebuilt.objectsIndexed).toBeGreaterThanOrEqual(3); // two deltas and the reference
    expect((await indexKeys(store, bucket)).length).toBeGreaterThan(0);
    const reader = client();
    expect(await listed(reader.client, bucket, "p/")).toHaveLength(2);
    expect(reader.heads).toEqual([]);
  });
}
