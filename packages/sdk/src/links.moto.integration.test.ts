import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createManualClock, createMemoryLogger } from "@dg/core/memory";
import { findPythonTool, seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caught, concat } from "../test/memory-client.js";
import { motoClient, motoEndpoint, motoStore, uniqueBucket } from "../test/moto-client.js";
import { type DeltaGliderClient, hasCode, TEMP_PREFIX } from "./index.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const v1 = seededBytes("links-v1", 200_000);
const v2 = concat(v1.subarray(0, 90_000), seededBytes("links-v2", 3_000), v1.subarray(90_000));
/** Long past, so that copies made at it are expired for any real clock (the Python tool's). */
const START = new Date("2020-01-01T00:00:00.000Z");

const clock = createManualClock(START);
const logger = createMemoryLogger();
let client: DeltaGliderClient;
let raw: ReturnType<typeof motoStore>;
let bucket: string;

const rebuilds = () =>
  logger.entries.filter((entry) => entry.message.startsWith("rehydrated a delta-stored object"))
    .length;

async function tempKeys(): Promise<string[]> {
  const page = await raw.store.listObjects(bucket, { prefix: TEMP_PREFIX });
  return page.objects.map((object) => object.key);
}

beforeAll(async () => {
  raw = motoStore();
  client = motoClient({ clock, logger, logLevel: "info" });
  bucket = uniqueBucket("links");
  await client.createBucket({ Bucket: bucket });
  await client.putObject({ Bucket: bucket, Key: "rel/app-1.zip", Body: v1 });
  const put = await client.putObject({
    Bucket: bucket,
    Key: "rel/app-2.zip",
    Body: v2,
    ContentType: "application/zip",
  });
  expect(put.DeltaGliderInfo.StorageType).toBe("delta");
  await client.putObject({ Bucket: bucket, Key: "rel/notes.txt", Body: "release notes" });
});
afterAll(() => {
  client.destroy();
  raw.destroy();
});

describe("links to delta-stored files (moto)", () => {
  it("serves the original bytes of a delta through a presigned GET, from a copy that expires with it", async () => {
    clock.set(START);
    const url = await client.getSignedUrl({ Bucket: bucket, Key: "rel/app-2.zip", ExpiresIn: 600 });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(sha(new Uint8Array(await response.arrayBuffer()))).toBe(sha(v2));
    expect(new URL(url).searchParams.get("response-content-disposition")).toBe(
      'attachment; filename="app-2.zip"',
    );

    const [copy, ...others] = await tempKeys();
    expect(others).toEqual([]);
    expect(copy).toMatch(/^\.deltaglider\/tmp\/[0-9a-f]{32}_app-2\.zip$/);
    expect(decodeURIComponent(new URL(url).pathname)).toBe(`/${bucket}/${copy}`);
    const head = await raw.store.headObject(bucket, copy ?? "");
    expect(head?.metadata).toMatchObject({
      "dg-expires-at": "2020-01-01T00:10:00",
      "dg-original-key": "rel/app-2.zip.delta",
      "dg-original-filename": "app-2.zip",
      "dg-rehydrated": "true",
      "dg-file-sha256": sha(v2),
    });
    expect(head?.contentType).toBe("application/zip");
  });

  it("reuses the copy for a second link within its life, and purge removes it once expired", async () => {
    clock.set(START);
    await client.getSignedUrl({ Bucket: bucket, Key: "rel/app-2.zip", ExpiresIn: 600 });
    const before = rebuilds();
    clock.advance(120_000);
    const second = await client.getSignedUrl({
      Bucket: bucket,
      Key: "rel/app-2.zip",
      ExpiresIn: 600,
    });
    const again = await client.rehydrateForDownload({ Bucket: bucket, Key: "rel/app-2.zip" });
    expect(rebuilds()).toBe(before);
    expect(again).toMatchObject({ Rehydrated: true, Reused: true });
    const [copy] = await tempKeys();
    expect(await tempKeys()).toHaveLength(1);
    expect(again.Key).toBe(copy);
    // The copy now lives as long as the longest link made to it.
    expect(again.ExpiresAt?.toISOString()).toBe("2020-01-01T01:02:00.000Z");
    const response = await fetch(second);
    expect(sha(new Uint8Array(await response.arrayBuffer()))).toBe(sha(v2));

    // Not yet: the copy outlives this clock.
    clock.set(new Date("2020-01-01T00:30:00.000Z"));
    expect((await client.purgeTempFiles(bucket)).deleted).toEqual([]);
    clock.set(new Date("2020-01-01T01:02:01.000Z"));
    const purge = await client.purgeTempFiles(bucket);
    expect(purge.deleted).toEqual([copy]);
    expect(purge.freedBytes).toBe(v2.length);
    expect(await tempKeys()).toEqual([]);
  });

  it("signs an object stored as it is directly, and refuses deltas with Rehydrate: false", async () => {
    const url = await client.getSignedUrl({ Bucket: bucket, Key: "rel/notes.txt", ExpiresIn: 60 });
    expect(decodeURIComponent(new URL(url).pathname)).toBe(`/${bucket}/rel/notes.txt`);
    expect(await (await fetch(url)).text()).toBe("release notes");
    const error = await caught(
      client.getSignedUrl({ Bucket: bucket, Key: "rel/app-2.zip", Rehydrate: false }),
    );
    expect(hasCode(error, "UNSUPPORTED")).toBe(true);
    expect(
      hasCode(
        await caught(client.getSignedUrl({ Bucket: bucket, Key: "rel/none.zip" })),
        "NOT_FOUND",
      ),
    ).toBe(true);
  });

  it("gives a browser upload form that moto accepts; the file lands whole and reads back", async () => {
    const body = seededBytes("links-post", 5_000);
    const { url, fields } = await client.createPresignedPost({
      Bucket: bucket,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3 puts the file's name there.
      Key: "incoming/${filename}",
      Expires: 300,
      Fields: { "Content-Type": "application/zip" },
      Conditions: [["content-length-range", 1, 1_000_000]],
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", new Blob([body]), "upload-1.zip");
    const response = await fetch(url, { method: "POST", body: form });
    expect(response.status).toBeLessThan(300);
    const info = await client.getObjectInfo({ bucket, key: "incoming/upload-1.zip" });
    expect(info).toMatchObject({ storageType: "foreign", size: body.length, isDelta: false });
    const got = await client.getObject({ Bucket: bucket, Key: "incoming/upload-1.zip" });
    expect(sha(await got.Body.transformToByteArray())).toBe(sha(body));
    const refused = await caught(
      client.createPresignedPost({ Bucket: bucket, Key: "incoming/app.zip.delta" }),
    );
    expect(hasCode(refused, "INVALID_ARGUMENT")).toBe(true);
  });
});

const python = findPythonTool();

describe.skipIf(!python.found)(
  `the Python DeltaGlider's purge on our copies${python.found ? "" : ` (skipped: ${python.reason})`}`,
  () => {
    it("sees a copy we made as expired (dry run), by its dg-expires-at", async () => {
      if (!python.found) return;
      clock.set(START);
      const { Key } = await client.rehydrateForDownload({
        Bucket: bucket,
        Key: "rel/app-2.zip",
        ExpiresIn: 60,
      });
      // Its real run compares a naive "now" with the parsed expiry and fails on every file
      // (../shared/docs/reference-tool.md §4.10), so only its dry run can judge a copy.
      const run = spawnSync(python.path, ["purge", bucket, "--dry-run", "--json"], {
        encoding: "utf8",
        timeout: 60_000,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: motoEndpoint(),
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_DEFAULT_REGION: "us-east-1",
        },
      });
      expect(run.status, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf("{")));
      expect(report.expired_files.map((file: { key: string }) => file.key)).toContain(Key);
      expect(report.total_size_to_free).toBeGreaterThanOrEqual(v2.length);
      // Ours removes it.
      clock.set(new Date("2020-01-01T01:00:00.000Z"));
      expect((await client.purgeTempFiles(bucket)).deleted).toContain(Key);
    });
  },
);
