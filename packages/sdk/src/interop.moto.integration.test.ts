import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPythonTool, seededBytes, seededLetters } from "@dg/testkit";
import {
  motoClient,
  motoStore,
  pythonDownload,
  pythonToolEnv,
  uniqueBucket,
} from "../test/moto-client.js";
import { type DeltaEngine, type DeltaGliderClient, paginateListObjectsV2 } from "./index.js";

const run = promisify(execFile);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

// The Python tool's bucket, kept in the repository under fixtures/.
const FIXTURE = fileURLToPath(
  new URL("../../../fixtures/interop-python-deltaglider/", import.meta.url),
);

interface FixtureObject {
  readonly key: string;
  readonly size: number;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
}

/** Logical key → the file in originals/ it must read back as. */
const LOGICAL: Readonly<Record<string, string>> = {
  "demo-1.0.1.zip": "demo-1.0.1.zip",
  "releases/demo/checksums.sha256": "checksums.sha256",
  "releases/demo/demo-1.0.0.zip": "demo-1.0.0.zip",
  "releases/demo/demo-1.0.1.zip": "demo-1.0.1.zip",
  "releases/demo/demo-1.0.2.zip": "demo-1.0.2.zip",
  "releases/demo/other-9.9.9.zip": "other-9.9.9.zip",
};

const BUCKET = "pyinterop";
let loader: DeltaGliderClient;
let dir: string;

let raw: ReturnType<typeof motoStore>;
beforeAll(async () => {
  raw = motoStore();
  loader = motoClient();
  const manifest = JSON.parse(await readFile(join(FIXTURE, "bucket.json"), "utf8")) as {
    objects: FixtureObject[];
  };
  await loader.createBucket({ Bucket: BUCKET });
  for (const object of manifest.objects) {
    const body = await readFile(join(FIXTURE, "objects", object.key));
    expect(body.length).toBe(object.size);
    await raw.store.putObject(BUCKET, object.key, body, {
      metadata: object.metadata,
      ...(object.contentType === undefined ? {} : { contentType: object.contentType }),
    });
  }
  dir = await mkdtemp(join(tmpdir(), "dg-sdk-interop-"));
});
afterAll(async () => {
  loader.destroy();
  raw.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe.each<DeltaEngine>(["builtin", "xdelta3"])(
  "a bucket written by DeltaGlider 6.1.2, read with the %s engine",
  (engine) => {
    it("lists the logical view with original sizes", async () => {
      const client = motoClient({ deltaEngine: engine });
      const listed: [string, number][] = [];
      for await (const page of paginateListObjectsV2(client, { Bucket: BUCKET })) {
        for (const o of page.Contents) listed.push([o.Key, o.Size]);
      }
      const expected = await Promise.all(
        Object.entries(LOGICAL).map(async ([key, file]) => {
          return [key, (await readFile(join(FIXTURE, "originals", file))).length] as [
            string,
            number,
          ];
        }),
      );
      expect(listed).toEqual(expected);
      client.destroy();
    });

    it("reads every logical object back byte-identical to originals/", async () => {
      const client = motoClient({ deltaEngine: engine });
      for (const [key, file] of Object.entries(LOGICAL)) {
        const original = await readFile(join(FIXTURE, "originals", file));
        const got = await client.getObject({ Bucket: BUCKET, Key: key });
        expect(got.ContentLength, key).toBe(original.length);
        expect(sha(await got.Body.transformToByteArray()), key).toBe(sha(original));
        const verified = await client.verifyObject(`s3://${BUCKET}/${key}`);
        expect(verified.status, key).toBe("ok");
        const path = join(dir, engine, key);
        await client.downloadFile(`s3://${BUCKET}/${key}`, path);
        expect(sha(await readFile(path)), key).toBe(sha(original));
      }
      client.destroy();
    });
  },
);

const TIMESTAMP_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;
const TIMESTAMP_NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;
const SHA = /^[0-9a-f]{64}$/;
const TOOL = /^deltaglider-ts\/\d+\.\d+\.\d+/;

describe("objects this client writes follow the DeltaGlider 6.x layout", () => {
  it("writes reference, zero-diff delta, delta and direct objects with the dg-* metadata (compat)", async () => {
    const client = motoClient({ compat: true });
    const bucket = uniqueBucket("layout");
    await client.createBucket({ Bucket: bucket });
    const originals = join(FIXTURE, "originals");
    const v0 = await readFile(join(originals, "demo-1.0.0.zip"));
    const v2 = await readFile(join(originals, "demo-1.0.2.zip"));
    const sums = await readFile(join(originals, "checksums.sha256"));
    await client.uploadFile(join(originals, "demo-1.0.0.zip"), `s3://${bucket}/releases/demo/`);
    const second = await client.uploadFile(
      join(originals, "demo-1.0.2.zip"),
      `s3://${bucket}/releases/demo/`,
    );
    expect(second.storageType).toBe("delta");
    await client.uploadFile(join(originals, "checksums.sha256"), `s3://${bucket}/releases/demo/`);

    // deltaglider's own `.deltaglider/` (the object-facts index) aside.
    const keys = (await raw.store.listObjects(bucket)).objects
      .map((o) => o.key)
      .filter((key) => !key.startsWith(".deltaglider/"));
    expect(keys).toEqual([
      "releases/demo/checksums.sha256",
      "releases/demo/demo-1.0.0.zip.delta",
      "releases/demo/demo-1.0.2.zip.delta",
      "releases/demo/reference.bin",
    ]);
    const head = async (key: string) => (await raw.store.headObject(bucket, key))?.metadata ?? {};

    const reference = await head("releases/demo/reference.bin");
    expect(Object.keys(reference).sort()).toEqual(
      // dg-sketch: ours, to choose among several references; the Python tool ignores it.
      [
        "dg-created-at",
        "dg-file-sha256",
        "dg-note",
        "dg-sketch",
        "dg-source-name",
        "dg-tool",
      ].sort(),
    );
    expect(reference).toMatchObject({
      "dg-note": "reference",
      "dg-source-name": "demo-1.0.0.zip",
      "dg-file-sha256": sha(v0),
    });
    expect(reference["dg-tool"]).toMatch(TOOL);
    expect(reference["dg-created-at"]).toMatch(TIMESTAMP_Z);

    const deltaKeys = [
      "dg-created-at",
      "dg-delta-cmd",
      "dg-delta-size",
      "dg-file-sha256",
      "dg-file-size",
      "dg-original-name",
      "dg-ref-key",
      "dg-ref-sha256",
      "dg-tool",
    ];
    const zeroDiff = await head("releases/demo/demo-1.0.0.zip.delta");
    expect(Object.keys(zeroDiff).sort()).toEqual([...deltaKeys, "dg-note"].sort());
    expect(zeroDiff["dg-note"]).toBe("zero-diff (reference identical)");
    const delta = await head("releases/demo/demo-1.0.2.zip.delta");
    expect(Object.keys(delta).sort()).toEqual(deltaKeys);
    const deltaSize = (await raw.store.headObject(bucket, "releases/demo/demo-1.0.2.zip.delta"))
      ?.size;
    expect(delta).toMatchObject({
      "dg-original-name": "demo-1.0.2.zip",
      "dg-file-sha256": sha(v2),
      "dg-file-size": String(v2.length),
      "dg-ref-key": "releases/demo/reference.bin",
      "dg-ref-sha256": sha(v0),
      "dg-delta-size": String(deltaSize),
      "dg-delta-cmd": "xdelta3 -e -9 -s reference.bin demo-1.0.2.zip demo-1.0.2.zip.delta",
    });
    expect(delta["dg-tool"]).toMatch(TOOL);
    expect(delta["dg-created-at"]).toMatch(TIMESTAMP_Z);
    expect(delta["dg-file-sha256"]).toMatch(SHA);

    const direct = await head("releases/demo/checksums.sha256");
    expect(Object.keys(direct).sort()).toEqual(
      // dg-direct-reason: ours, why the file went in whole; the Python tool ignores it.
      [
        "dg-compression",
        "dg-created-at",
        "dg-direct-reason",
        "dg-file-sha256",
        "dg-file-size",
        "dg-original-name",
        "dg-tool",
      ].sort(),
    );
    expect(direct).toMatchObject({
      "dg-compression": "none",
      "dg-direct-reason": "not-eligible",
      "dg-file-sha256": sha(sums),
      "dg-file-size": String(sums.length),
      "dg-original-name": "checksums.sha256",
    });
    expect(direct["dg-created-at"]).toMatch(TIMESTAMP_NAIVE);

    // The Python tool decodes with the xdelta3 binary: prove it can read our delta.
    const save = async (key: string, file: string) => {
      const { body } = await raw.store.getObject(bucket, key);
      await pipeline(Readable.from(body), createWriteStream(join(dir, file)));
    };
    await save("releases/demo/reference.bin", "reference.bin");
    await save("releases/demo/demo-1.0.2.zip.delta", "x.delta");
    await run("xdelta3", ["-d", "-f", "-s", "reference.bin", "x.delta", "out"], { cwd: dir });
    expect(sha(await readFile(join(dir, "out")))).toBe(sha(v2));
    client.destroy();
  });

  it("by default writes dgd deltas, marked dgd/1, beside a VCDIFF zero-diff every reader decodes", async () => {
    const client = motoClient();
    const bucket = uniqueBucket("layout-dgd");
    await client.createBucket({ Bucket: bucket });
    const v1 = seededBytes("layout-dgd", 300_000);
    const v2 = new Uint8Array(v1);
    for (let at = 1_000; at < v2.length; at += 9_973) v2[at] = (v2[at] ?? 0) ^ 0x5a;
    const put = async (name: string, bytes: Uint8Array) =>
      client.putObject({ Bucket: bucket, Key: `rel/${name}`, Body: bytes });
    await put("app-1.tar", v1);
    const second = await put("app-2.tar", v2);
    expect(second.DeltaGliderInfo.StorageType).toBe("delta");
    const head = async (key: string) => (await raw.store.headObject(bucket, key))?.metadata ?? {};
    expect((await head("rel/app-2.tar.delta"))["dg-delta-format"]).toBe("dgd/1");
    const zeroDiff = await head("rel/app-1.tar.delta");
    expect(zeroDiff["dg-note"]).toBe("zero-diff (reference identical)");
    expect(zeroDiff["dg-delta-format"]).toBeUndefined();

    const save = async (key: string, file: string) => {
      const { body } = await raw.store.getObject(bucket, key);
      await pipeline(Readable.from(body), createWriteStream(join(dir, file)));
    };
    await save("rel/reference.bin", "ref-dgd.bin");
    await save("rel/app-1.tar.delta", "zero.delta");
    await save("rel/app-2.tar.delta", "dgd.delta");
    const delta = await readFile(join(dir, "dgd.delta"));
    expect([...delta.subarray(0, 4)]).toEqual([0xd7, 0x44, 0x47, 0x44]);
    await run("xdelta3", ["-d", "-f", "-s", "ref-dgd.bin", "zero.delta", "zero.out"], {
      cwd: dir,
    });
    expect(sha(await readFile(join(dir, "zero.out")))).toBe(sha(v1));
    // Read back by a client that writes VCDIFF: reading does not depend on the format written.
    const reader = motoClient({ deltaFormat: "vcdiff" });
    for (const [name, bytes] of [
      ["app-1.tar", v1],
      ["app-2.tar", v2],
    ] as const) {
      const got = await reader.getObject({ Bucket: bucket, Key: `rel/${name}` });
      expect(sha(await got.Body.transformToByteArray()), name).toBe(sha(bytes));
    }
    reader.destroy();
    client.destroy();
  });
});

const python = findPythonTool();
describe.skipIf(!python.found)(
  `the Python DeltaGlider reads direct objects that record why they are whole${python.found ? "" : ` (skipped: ${python.reason})`}`,
  () => {
    it("lists and downloads each, byte for byte", async () => {
      if (!python.found) return;
      const client = motoClient();
      const bucket = uniqueBucket("direct-python");
      await client.createBucket({ Bucket: bucket });
      const files = {
        "app-1.zip": seededBytes("direct-py-base", 40_000),
        "other.zip": seededBytes("direct-py-unrelated", 40_000),
        "off.zip": seededBytes("direct-py-off", 5_000),
        "notes.txt": new TextEncoder().encode("release notes\n"),
      } as const;
      const reasons: Record<string, string | undefined> = {};
      for (const [name, bytes] of Object.entries(files)) {
        const put = await client.putObject({
          Bucket: bucket,
          Key: `py/${name}`,
          Body: bytes,
          ...(name === "off.zip" ? { UseDelta: false } : {}),
        });
        reasons[name] = put.DeltaGliderInfo.DirectReason;
      }
      expect(reasons).toEqual({
        "app-1.zip": undefined,
        "other.zip": "max-ratio",
        "off.zip": "delta-disabled",
        "notes.txt": "not-eligible",
      });
      const home = await mkdtemp(join(tmpdir(), "dg-direct-python-"));
      try {
        const env = pythonToolEnv(home);
        const listed = await run(python.path, ["ls", `s3://${bucket}/py/`], { env });
        for (const name of Object.keys(files)) expect(listed.stdout).toContain(name);
        for (const [name, bytes] of Object.entries(files)) {
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
        client.destroy();
      }
    });
  },
);

describe.skipIf(!python.found)(
  `the Python DeltaGlider restores our deltas with LZMA sections${python.found ? "" : ` (skipped: ${python.reason})`}`,
  () => {
    it("downloads a delta whose added bytes went through secondary compression, byte for byte", async () => {
      if (!python.found) return;
      const client = motoClient({ compat: true });
      const bucket = uniqueBucket("lzma-python");
      await client.createBucket({ Bucket: bucket });
      const base = seededLetters("lzma-py-base", 300_000);
      const next = new Uint8Array(base.length + 60_000);
      next.set(base.subarray(0, 150_000));
      next.set(seededLetters("lzma-py-new", 60_000), 150_000);
      next.set(base.subarray(150_000), 210_000);
      await client.putObject({ Bucket: bucket, Key: "py/app-1.zip", Body: base });
      const put = await client.putObject({ Bucket: bucket, Key: "py/app-2.zip", Body: next });
      expect(put.DeltaGliderInfo.StorageType).toBe("delta");
      const { body } = await raw.store.getObject(bucket, "py/app-2.zip.delta");
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      const delta = Buffer.concat(chunks);
      // Hdr_Indicator names a secondary compressor, LZMA (id 2), and the 60 KB of new text
      // went in compressed: the delta is well under the bytes it adds.
      expect(delta[4]! & 0x01).toBe(1);
      expect(delta[5]).toBe(2);
      expect(delta.length).toBeLessThan(50_000);
      const home = await mkdtemp(join(tmpdir(), "dg-lzma-python-"));
      try {
        const got = await pythonDownload(
          python.path,
          `s3://${bucket}/py/app-2.zip`,
          join(home, "app-2.zip"),
          home,
        );
        expect(sha(got)).toBe(sha(next));
      } finally {
        await rm(home, { recursive: true, force: true });
        client.destroy();
      }
    });
  },
);
