import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createDirObjectStore } from "@dg/s3/dir";
import { seededLetters } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "./index.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-secondary-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the VCDIFF deltas' secondary compression (deltaSecondary, DG_DELTA_SECONDARY)", () => {
  const base = seededLetters("secondary-base", 200_000);
  const next = new Uint8Array(base.length + 40_000);
  next.set(base.subarray(0, 100_000));
  next.set(seededLetters("secondary-new", 40_000), 100_000);
  next.set(base.subarray(100_000), 140_000);

  async function storedDelta(env: Record<string, string>, bucket: string): Promise<Uint8Array> {
    const client = createClient({
      env: { DG_ENDPOINT_URL: pathToFileURL(root).href, DG_CACHE_BACKEND: "memory", ...env },
      compat: true,
      logger: { log() {} },
    });
    try {
      await client.createBucket({ Bucket: bucket });
      await client.putObject({ Bucket: bucket, Key: "rel/app-1.zip", Body: base });
      await client.putObject({ Bucket: bucket, Key: "rel/app-2.zip", Body: next });
      const got = await client.getObject({ Bucket: bucket, Key: "rel/app-2.zip" });
      const chunks: Uint8Array[] = [];
      for await (const chunk of got.Body) chunks.push(chunk);
      expect(Buffer.compare(Buffer.concat(chunks), next)).toBe(0);
    } finally {
      client.destroy();
    }
    const { body } = await createDirObjectStore({ root }).getObject(bucket, "rel/app-2.zip.delta");
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  it("writes LZMA sections by default and plain ones with DG_DELTA_SECONDARY=none", async () => {
    const lzma = await storedDelta({}, "secondary-default");
    const plain = await storedDelta({ DG_DELTA_SECONDARY: "none" }, "secondary-none");
    // Hdr_Indicator: bit 0 names a secondary compressor (id 2, LZMA) after it.
    expect([lzma[4]! & 1, lzma[5]]).toEqual([1, 2]);
    expect(plain[4]! & 1).toBe(0);
    // The 40 KB of new text (a few thousand short self-copies and the rest added bytes in the
    // plain delta) are smaller through LZMA.
    expect(plain.length).toBeGreaterThan(30_000);
    expect(lzma.length).toBeLessThan(plain.length * 0.85);
  });
});
