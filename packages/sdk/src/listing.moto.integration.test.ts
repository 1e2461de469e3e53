import { mapLimit } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concat } from "../test/memory-client.js";
import { motoClient, uniqueBucket, motoStore } from "../test/moto-client.js";
import { type DeltaGliderClient, paginateListObjectsV2 } from "./index.js";

const DIRECT = 1_150;
const base = seededBytes("listing-base", 50_000);

let client: DeltaGliderClient;
let bucket: string;
const expected = new Map<string, number>();

let raw: ReturnType<typeof motoStore>;
beforeAll(async () => {
  raw = motoStore();
  client = motoClient();
  bucket = uniqueBucket("listing");
  await client.createBucket({ Bucket: bucket });
  // Plain objects straight into the store (fast), then a few deltas through the client.
  const names = Array.from(
    { length: DIRECT },
    (_, i) => `many/f-${String(i).padStart(5, "0")}.txt`,
  );
  await mapLimit(names, 16, async (key) => {
    const body = new TextEncoder().encode(key);
    await raw.store.putObject(bucket, key, body);
    expected.set(key, body.length);
  });
  for (let i = 0; i < 5; i++) {
    const body = concat(base, seededBytes(`listing-${i}`, 100 * (i + 1)));
    await client.putObject({ Bucket: bucket, Key: `many/z-${i}.zip`, Body: body });
    expected.set(`many/z-${i}.zip`, body.length);
  }
}, 120_000);
afterAll(() => {
  client.destroy();
  raw.destroy();
});

describe("listing past 1,000 keys (moto)", () => {
  it("paginates every logical object exactly once, in order, with original sizes", async () => {
    const seen: [string, number][] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(client, { Bucket: bucket, Prefix: "many/" })) {
      pages++;
      expect(page.KeyCount).toBe(page.Contents.length);
      for (const o of page.Contents) seen.push([o.Key, o.Size]);
    }
    expect(pages).toBe(2);
    expect(seen.map(([k]) => k)).toEqual([...expected.keys()].sort());
    expect(new Map(seen)).toEqual(expected);
  });

  it("follows NextContinuationToken by hand, with a small MaxKeys and StartAfter", async () => {
    let token: string | undefined;
    let count = 0;
    let calls = 0;
    do {
      const page = await client.listObjectsV2({
        Bucket: bucket,
        MaxKeys: 400,
        StartAfter: "many/f-00099.txt",
        FetchOriginalSizes: false,
        ...(token === undefined ? {} : { ContinuationToken: token }),
      });
      calls++;
      count += page.Contents.length;
      expect(page.IsTruncated).toBe(page.NextContinuationToken !== undefined);
      token = page.NextContinuationToken;
    } while (token !== undefined);
    expect(count).toBe(expected.size - 100);
    expect(calls).toBe(Math.ceil((expected.size - 100) / 400));
  });
});
