import { createHash } from "node:crypto";
import { seededBytes } from "@dg/testkit";
import { describe, expect, it } from "vitest";
import { concat } from "../test/memory-client.js";
import { motoClient, motoStore, uniqueBucket } from "../test/moto-client.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("concurrent uploads into a new deltaspace (moto)", () => {
  it("creates exactly one reference and keeps every file intact", async () => {
    const bucket = uniqueBucket("race");
    const setup = motoClient();
    await setup.createBucket({ Bucket: bucket });
    const base = seededBytes("race-base", 200_000);
    const files = Array.from({ length: 6 }, (_, i) =>
      concat(
        base.subarray(0, 100_000 + i * 10),
        seededBytes(`race-${i}`, 3_000),
        base.subarray(100_000),
      ),
    );
    // Separate clients, each with its own reference cache: like separate machines.
    const clients = files.map(() => motoClient());
    const results = await Promise.all(
      files.map((body, i) =>
        clients[i]?.putObject({ Bucket: bucket, Key: `race/app-${i}.zip`, Body: body }),
      ),
    );
    const infos = results.map((r) => r?.DeltaGliderInfo);
    expect(infos.filter((info) => info?.StorageType === "reference")).toHaveLength(1);
    // moto checks If-None-Match and then stores, without a lock: under load two create-only
    // writes can both succeed (real S3 is atomic). The loser then finds another reference in
    // place after writing its delta and stores its file directly instead ("reference-changed");
    // nothing else may happen to a file, and every file must read back intact.
    for (const info of infos) {
      const ok =
        info?.StorageType === "reference" ||
        info?.StorageType === "delta" ||
        (info?.StorageType === "direct" && info.DirectReason === "reference-changed");
      expect(ok, JSON.stringify(infos)).toBe(true);
    }

    const raw = motoStore();
    const stored = await raw.store.listObjects(bucket, { prefix: "race/" });
    raw.destroy();
    expect(stored.objects.filter((o) => o.key.endsWith("reference.bin"))).toHaveLength(1);
    const reader = motoClient();
    for (const [i, body] of files.entries()) {
      const got = await reader.getObject({ Bucket: bucket, Key: `race/app-${i}.zip` });
      expect(sha(await got.Body.transformToByteArray()), `app-${i}`).toBe(sha(body));
    }
    for (const c of [setup, reader, ...clients]) c.destroy();
  });
});
