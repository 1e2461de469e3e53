import type { HeadObjectOutput } from "@dg/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseVersions, sha256, type Workspace } from "./harness.js";
import { runRaw } from "./stdio-run.js";

/** Every object-field flag, with the values the checks below expect. */
export const ALL_FIELD_FLAGS = [
  "--content-type",
  "application/zip",
  "--cache-control",
  "max-age=3600, public",
  "--content-disposition",
  'attachment; filename="app.zip"',
  "--content-encoding",
  "identity",
  "--content-language",
  "en-GB",
  "--expires",
  "2030-06-01T12:30:45+02:00",
  "--metadata",
  "Build=42,branch=release/1.x",
] as const;

const EXPIRES = new Date("2030-06-01T10:30:45Z");

function expectAllFields(
  head: HeadObjectOutput,
  metadata = { build: "42", branch: "release/1.x" },
) {
  expect(head.ContentType).toBe("application/zip");
  expect(head.CacheControl).toBe("max-age=3600, public");
  expect(head.ContentDisposition).toBe('attachment; filename="app.zip"');
  expect(head.ContentEncoding).toBe("identity");
  expect(head.ContentLanguage).toBe("en-GB");
  expect(head.Expires?.toISOString()).toBe(EXPIRES.toISOString());
  expect(head.Metadata).toEqual(metadata);
}

function expectNoFields(head: HeadObjectOutput) {
  expect(head.ContentType).toBe("application/octet-stream");
  expect(head.CacheControl).toBeUndefined();
  expect(head.ContentDisposition).toBeUndefined();
  expect(head.ContentEncoding).toBeUndefined();
  expect(head.ContentLanguage).toBeUndefined();
  expect(head.Expires).toBeUndefined();
  expect(head.Metadata).toEqual({});
}

/**
 * End-to-end checks of the object-field flags of `cp` and `sync` on the built binary, against
 * the store `setup` gives (a `file://` folder or moto).
 */
export function objectFieldsSuite(
  name: string,
  setup: () => Promise<{ readonly ws: Workspace; readonly bucket: string }>,
): void {
  let ws: Workspace;
  let bucket: string;
  const [v0, v1, v2] = releaseVersions("fields", 120_000, 3) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];

  const head = (key: string) => ws.client().headObject({ Bucket: bucket, Key: key });
  const stored = async (key: string) => {
    const info = await ws.store().headObject(bucket, key);
    if (info === undefined) throw new Error(`nothing stored at ${key}`);
    return info;
  };
  const storedKeys = async (prefix: string) =>
    (await ws.store().listObjects(bucket, { prefix })).objects.map((o) => o.key).sort();
  const expectUsageError = (
    result: { code: number | null; stdout: string | Buffer; stderr: string },
    text: string,
  ) => {
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^deltaglider: error: /);
    expect(lines[0]).toContain(text);
    expect(lines[1]).toMatch(/^ {2}hint: /);
    expect(lines).toHaveLength(2);
    expect(result.stdout.toString()).toBe("");
  };

  beforeAll(async () => {
    ({ ws, bucket } = await setup());
    await ws.write("dist/app-1.0.zip", v0);
    await ws.write("dist/app-1.1.zip", v1);
    await ws.write("dist/notes.txt", "release notes\n");
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  describe(`object-field flags (${name})`, () => {
    it("cp puts every field on a delta and on a direct object, no header or metadata on reference.bin", async () => {
      for (const file of ["app-1.0.zip", "app-1.1.zip", "notes.txt"]) {
        const result = await ws.run([
          "cp",
          `dist/${file}`,
          `s3://${bucket}/rel/`,
          ...ALL_FIELD_FLAGS,
        ]);
        expect(result.code, result.stderr).toBe(0);
      }
      expect(await storedKeys("rel/")).toEqual([
        "rel/app-1.0.zip.delta",
        "rel/app-1.1.zip.delta",
        "rel/notes.txt",
        "rel/reference.bin",
      ]);
      for (const key of ["rel/app-1.0.zip", "rel/app-1.1.zip", "rel/notes.txt"]) {
        const logical = await head(key);
        expectAllFields(logical);
        expect(logical.DeltaGliderInfo.StorageType).toBe(key.endsWith(".txt") ? "direct" : "delta");
      }
      for (const key of ["rel/app-1.1.zip.delta", "rel/notes.txt"]) {
        const info = await stored(key);
        expect(info.contentType).toBe("application/zip");
        expect(info.headers).toEqual({
          cacheControl: "max-age=3600, public",
          contentDisposition: 'attachment; filename="app.zip"',
          contentEncoding: "identity",
          contentLanguage: "en-GB",
          expires: EXPIRES,
        });
        expect(info.metadata).toMatchObject({ build: "42", branch: "release/1.x" });
      }
      // (The SDK gives the reference the first file's content type, but none of the rest.)
      const reference = await stored("rel/reference.bin");
      expect(reference.headers).toBeUndefined();
      expect(reference.metadata.build).toBeUndefined();
    });

    it("cp without the flags stores application/octet-stream and no metadata (no guessing)", async () => {
      const result = await ws.run(["cp", "dist/notes.txt", `s3://${bucket}/plain/`]);
      expect(result.code, result.stderr).toBe(0);
      expectNoFields(await head("plain/notes.txt"));
      // aws's --no-guess-mime-type is accepted and changes nothing.
      const noGuess = await ws.run([
        "cp",
        "dist/notes.txt",
        `s3://${bucket}/plain/again.txt`,
        "--no-guess-mime-type",
      ]);
      expect(noGuess.code, noGuess.stderr).toBe(0);
      expectNoFields(await head("plain/again.txt"));
    });

    it("cp - takes the flags for standard input, JSON --metadata included", async () => {
      const result = await runRaw(
        ws,
        [
          "cp",
          "-",
          `s3://${bucket}/stdin/app.zip`,
          ...ALL_FIELD_FLAGS.slice(0, -1),
          '{"Build":"42","branch":"release/1.x"}',
        ],
        v2,
      );
      expect(result.code, result.stderr).toBe(0);
      expectAllFields(await head("stdin/app.zip"));
    });

    it("sync passes the flags to every upload", async () => {
      const result = await ws.run(["sync", "dist", `s3://${bucket}/synced/`, ...ALL_FIELD_FLAGS]);
      expect(result.code, result.stderr).toBe(0);
      for (const file of ["app-1.0.zip", "app-1.1.zip", "notes.txt"]) {
        expectAllFields(await head(`synced/${file}`));
      }
    });

    it("an S3 → S3 copy keeps the source's fields (COPY), with or without the directive", async () => {
      const plain = await ws.run([
        "cp",
        `s3://${bucket}/rel/app-1.1.zip`,
        `s3://${bucket}/copied/`,
      ]);
      expect(plain.code, plain.stderr).toBe(0);
      expectAllFields(await head("copied/app-1.1.zip"));
      // As aws: with COPY the field flags are ignored; we say so on stderr.
      const ignored = await ws.run([
        "cp",
        `s3://${bucket}/rel/notes.txt`,
        `s3://${bucket}/copied/`,
        "--metadata-directive",
        "COPY",
        "--content-type",
        "text/plain",
        "--metadata",
        "other=1",
      ]);
      expect(ignored.code, ignored.stderr).toBe(0);
      expect(ignored.stderr).toContain("--metadata-directive REPLACE");
      expectAllFields(await head("copied/notes.txt"));
    });

    it("REPLACE (or --metadata alone) sets only the fields given", async () => {
      const replaced = await ws.run([
        "cp",
        `s3://${bucket}/rel/app-1.1.zip`,
        `s3://${bucket}/replaced/`,
        "--metadata-directive",
        "REPLACE",
        "--content-type",
        "application/x-zip",
        "--cache-control",
        "no-cache",
      ]);
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stderr).toBe("");
      const after = await head("replaced/app-1.1.zip");
      expect(after.ContentType).toBe("application/x-zip");
      expect(after.CacheControl).toBe("no-cache");
      expect(after.ContentDisposition).toBeUndefined();
      expect(after.Expires).toBeUndefined();
      expect(after.Metadata).toEqual({});

      const implied = await ws.run([
        "cp",
        `s3://${bucket}/rel/notes.txt`,
        `s3://${bucket}/implied/`,
        "--metadata",
        "stage=rc",
      ]);
      expect(implied.code, implied.stderr).toBe(0);
      const impliedHead = await head("implied/notes.txt");
      expect(impliedHead.Metadata).toEqual({ stage: "rc" });
      expect(impliedHead.ContentType).toBe("application/octet-stream");
      expect(impliedHead.CacheControl).toBeUndefined();
    });

    it("sync S3 → S3 with REPLACE sets the fields on every copy", async () => {
      const result = await ws.run([
        "sync",
        `s3://${bucket}/plain/`,
        `s3://${bucket}/resynced/`,
        "--metadata-directive",
        "REPLACE",
        ...ALL_FIELD_FLAGS,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expectAllFields(await head("resynced/notes.txt"));
    });

    it.each([
      [["--expires", "next tuesday"], "--expires"],
      [["--expires", "2030-02-30T00:00:00Z"], "--expires"],
      [["--metadata", "build"], "--metadata"],
      [["--metadata", '{"build":42}'], "--metadata"],
      [["--metadata", "dg-file-sha256=abc"], "reserved by deltaglider"],
      [["--metadata-directive", "MERGE"], "metadata-directive"],
      [["--cache-control", "a\u0001b"], "--cache-control"],
      [["--metadata", "a=1", "--metadata", "b=2"], "--metadata is given 2 times"],
    ])(
      "%j is a usage error (exit 2) and nothing is stored, for every kind of upload",
      async (flags, text) => {
        const prefix = `refused-${sha256(Buffer.from(JSON.stringify(flags))).slice(0, 12)}/`;
        expectUsageError(
          await ws.run(["cp", "dist/app-1.0.zip", `s3://${bucket}/${prefix}`, ...flags]),
          text,
        );
        expectUsageError(
          await ws.run(["sync", "dist", `s3://${bucket}/${prefix}`, ...flags]),
          text,
        );
        expectUsageError(
          await runRaw(ws, ["cp", "-", `s3://${bucket}/${prefix}x.zip`, ...flags], v0),
          text,
        );
        expectUsageError(
          await ws.run([
            "cp",
            `s3://${bucket}/rel/app-1.0.zip`,
            `s3://${bucket}/${prefix}`,
            ...flags,
          ]),
          text,
        );
        expect(await storedKeys(prefix)).toEqual([]);
      },
    );
  });
}
