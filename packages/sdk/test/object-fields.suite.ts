import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObjectStore } from "@dg/core";
import { seededBytes } from "@dg/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DeltaGliderClient,
  hasCode,
  type HeadObjectOutput,
  type ObjectHeaderFields,
} from "../src/index.js";
import { caught, concat } from "./memory-client.js";

/** A client and an existing, empty bucket for the suite. */
export interface FieldsHarness {
  readonly client: DeltaGliderClient;
  /** The raw store under the client, to check what was stored under which key. */
  readonly store: ObjectStore;
  readonly bucket: string;
  cleanup?(): Promise<void>;
}

const HEADERS: Required<ObjectHeaderFields> = {
  CacheControl: "public, max-age=600",
  ContentDisposition: 'attachment; filename="app.zip"',
  ContentEncoding: "identity",
  ContentLanguage: "en-GB",
  Expires: new Date("2031-07-08T09:10:11Z"),
};

function headerFieldsOf(output: HeadObjectOutput): ObjectHeaderFields {
  const { CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, Expires } = output;
  return Object.fromEntries(
    Object.entries({
      CacheControl,
      ContentDisposition,
      ContentEncoding,
      ContentLanguage,
      Expires,
    }).filter(([, v]) => v !== undefined),
  );
}

async function expectInvalid(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await caught(promise);
  expect(hasCode(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect((error as { hint?: string }).hint).toBeTruthy();
}

/**
 * Headers and tags through the SDK, end to end: delta, zero-diff and direct objects, copies,
 * the tagging calls and bad tags. Declares one `describe` block.
 */
export function objectFieldsSuite(name: string, make: () => Promise<FieldsHarness>): void {
  describe(`object headers and tags: ${name}`, () => {
    let h: FieldsHarness;
    let dir: string;
    const v1 = seededBytes("fields-1", 120_000);
    const v2 = concat(v1, seededBytes("fields-2", 1_000));

    beforeAll(async () => {
      h = await make();
      dir = await mkdtemp(join(tmpdir(), "dg-sdk-fields-"));
      const { client, bucket } = h;
      const common = { ...HEADERS, ContentType: "application/zip" };
      await client.putObject({
        Bucket: bucket,
        Key: "rel/app-1.zip",
        Body: v1,
        ...common,
        Tagging: "team=build&stage=rc%201",
      });
      await client.putObject({
        Bucket: bucket,
        Key: "rel/app-2.zip",
        Body: v2,
        ...common,
        Tagging: "team=build&stage=rc%202",
      });
      await client.putObject({
        Bucket: bucket,
        Key: "rel/notes.txt",
        Body: "release notes",
        ...HEADERS,
        ContentType: "text/plain",
        Tagging: "kind=notes",
      });
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
      await h.cleanup?.();
    });

    it("returns them from head and get for zero-diff, delta and direct objects", async () => {
      const { client, bucket } = h;
      const cases: Array<[string, string, number, string]> = [
        ["rel/app-1.zip", "delta", 2, "application/zip"],
        ["rel/app-2.zip", "delta", 2, "application/zip"],
        ["rel/notes.txt", "direct", 1, "text/plain"],
      ];
      for (const [key, kind, tagCount, contentType] of cases) {
        const head = await client.headObject({ Bucket: bucket, Key: key });
        expect(head.DeltaGliderInfo.StorageType, key).toBe(kind);
        expect(headerFieldsOf(head), key).toEqual(HEADERS);
        expect(head.ContentType, key).toBe(contentType);
        expect(head.TagCount, key).toBe(tagCount);
        const got = await client.getObject({ Bucket: bucket, Key: key });
        expect(headerFieldsOf(got), key).toEqual(HEADERS);
        expect(got.TagCount, key).toBe(tagCount);
        await got.Body.transformToByteArray();
      }
      expect(await client.getObjectTagging({ Bucket: bucket, Key: "rel/app-2.zip" })).toEqual({
        TagSet: [
          { Key: "team", Value: "build" },
          { Key: "stage", Value: "rc 2" },
        ],
      });
      // The deltaspace's reference carries none of them.
      const reference = await h.store.headObject(bucket, "rel/reference.bin");
      expect(reference).toBeDefined();
      expect(reference?.headers).toBeUndefined();
      expect(reference?.tagCount).toBeUndefined();
      expect(await h.store.getObjectTagging(bucket, "rel/reference.bin")).toEqual({});
    });

    it("keeps them through uploadFile", async () => {
      const { client, bucket } = h;
      const path = join(dir, "tool-1.zip");
      await writeFile(path, v1);
      await client.uploadFile(path, `s3://${bucket}/files/`, {
        headers: { cacheControl: "no-cache", expires: HEADERS.Expires },
        tags: { via: "uploadFile" },
      });
      const head = await client.headObject({ Bucket: bucket, Key: "files/tool-1.zip" });
      expect(headerFieldsOf(head)).toEqual({ CacheControl: "no-cache", Expires: HEADERS.Expires });
      expect(await client.getObjectTagging({ Bucket: bucket, Key: "files/tool-1.zip" })).toEqual({
        TagSet: [{ Key: "via", Value: "uploadFile" }],
      });
    });

    it("copyObject keeps them with COPY and takes the given ones with REPLACE", async () => {
      const { client, bucket } = h;
      const source = `${bucket}/rel/app-2.zip`;
      await client.copyObject({
        Bucket: bucket,
        Key: "copy/kept.zip",
        CopySource: source,
        // Ignored under COPY directives, as in S3.
        CacheControl: "ignored",
        Tagging: "ignored=yes",
      });
      const kept = await client.headObject({ Bucket: bucket, Key: "copy/kept.zip" });
      expect(headerFieldsOf(kept)).toEqual(HEADERS);
      expect(kept.ContentType).toBe("application/zip");
      expect(
        (await client.getObjectTagging({ Bucket: bucket, Key: "copy/kept.zip" })).TagSet,
      ).toEqual([
        { Key: "team", Value: "build" },
        { Key: "stage", Value: "rc 2" },
      ]);

      await client.copyObject({
        Bucket: bucket,
        Key: "copy/direct.txt",
        CopySource: `${bucket}/rel/notes.txt`,
      });
      const direct = await client.headObject({ Bucket: bucket, Key: "copy/direct.txt" });
      expect(headerFieldsOf(direct)).toEqual(HEADERS);
      expect(direct.TagCount).toBe(1);

      await client.copyObject({
        Bucket: bucket,
        Key: "copy/replaced.zip",
        CopySource: source,
        MetadataDirective: "REPLACE",
        ContentType: "application/x-zip",
        CacheControl: "no-store",
        TaggingDirective: "REPLACE",
        Tagging: "fresh=1",
      });
      const replaced = await client.getObject({ Bucket: bucket, Key: "copy/replaced.zip" });
      expect(headerFieldsOf(replaced)).toEqual({ CacheControl: "no-store" });
      expect(replaced.ContentType).toBe("application/x-zip");
      expect(replaced.TagCount).toBe(1);
      expect(Buffer.from(await replaced.Body.transformToByteArray()).equals(Buffer.from(v2))).toBe(
        true,
      );
      expect(
        (await client.getObjectTagging({ Bucket: bucket, Key: "copy/replaced.zip" })).TagSet,
      ).toEqual([{ Key: "fresh", Value: "1" }]);

      await client.copyObject({
        Bucket: bucket,
        Key: "copy/untagged.zip",
        CopySource: source,
        TaggingDirective: "REPLACE",
      });
      const untagged = await client.headObject({ Bucket: bucket, Key: "copy/untagged.zip" });
      expect(untagged.TagCount).toBeUndefined();
      expect(headerFieldsOf(untagged)).toEqual(HEADERS);
    });

    it("gets, puts and deletes tags by logical key", async () => {
      const { client, bucket } = h;
      const key = { Bucket: bucket, Key: "rel/app-1.zip" };
      const TagSet = [
        { Key: "a", Value: "1" },
        { Key: "b c", Value: "x/y=z+w@v:u" },
      ];
      expect(await client.putObjectTagging({ ...key, Tagging: { TagSet } })).toEqual({});
      expect(await client.getObjectTagging(key)).toEqual({ TagSet });
      // The tags went to the stored delta, not to a new object under the logical key.
      expect(await h.store.getObjectTagging(bucket, "rel/app-1.zip.delta")).toEqual({
        a: "1",
        "b c": "x/y=z+w@v:u",
      });
      expect(await h.store.headObject(bucket, "rel/app-1.zip")).toBeUndefined();
      expect((await client.headObject(key)).TagCount).toBe(2);
      expect(await client.deleteObjectTagging(key)).toEqual({});
      expect(await client.getObjectTagging(key)).toEqual({ TagSet: [] });
      expect((await client.headObject(key)).TagCount).toBeUndefined();
      // Tagging leaves the object itself alone.
      const got = await client.getObject(key);
      expect(headerFieldsOf(got)).toEqual(HEADERS);
      expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(v1))).toBe(true);

      const missing = { Bucket: bucket, Key: "rel/none.zip" };
      for (const call of [
        () => client.getObjectTagging(missing),
        () => client.putObjectTagging({ ...missing, Tagging: { TagSet } }),
        () => client.deleteObjectTagging(missing),
      ]) {
        expect(hasCode(await caught(call()), "NOT_FOUND")).toBe(true);
      }
    });

    it("refuses bad tags and a bad Expires with INVALID_ARGUMENT and a hint, storing nothing", async () => {
      const { client, bucket } = h;
      const eleven = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join("&");
      const put = (Tagging: string) =>
        client.putObject({ Bucket: bucket, Key: "bad/app.zip", Body: v1, Tagging });
      await expectInvalid(put(eleven), /Too many tags/);
      await expectInvalid(put(`${"k".repeat(129)}=v`), /Tag key too long/);
      await expectInvalid(put(`k=${"v".repeat(257)}`), /Tag value too long/);
      await expectInvalid(put("k=a%26b"), /Invalid character/);
      await expectInvalid(put("a=1&a=2"), /Duplicate tag key/);
      await expectInvalid(
        client.putObject({ Bucket: bucket, Key: "bad/app.zip", Body: v1, Expires: new Date("x") }),
        /Expires/,
      );
      expect((await client.listObjectsV2({ Bucket: bucket, Prefix: "bad/" })).KeyCount).toBe(0);

      const key = { Bucket: bucket, Key: "rel/notes.txt" };
      const many = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
      await expectInvalid(
        client.putObjectTagging({ ...key, Tagging: { TagSet: many } }),
        /Too many/,
      );
      await expectInvalid(
        client.putObjectTagging({
          ...key,
          Tagging: {
            TagSet: [
              { Key: "d", Value: "1" },
              { Key: "d", Value: "2" },
            ],
          },
        }),
        /Duplicate tag key/,
      );
      await expectInvalid(
        client.copyObject({
          Bucket: bucket,
          Key: "bad/copy.txt",
          CopySource: `${bucket}/rel/notes.txt`,
          TaggingDirective: "REPLACE",
          Tagging: `k=${"v".repeat(257)}`,
        }),
        /Tag value too long/,
      );
      expect((await client.getObjectTagging(key)).TagSet).toEqual([
        { Key: "kind", Value: "notes" },
      ]);
      expect((await client.listObjectsV2({ Bucket: bucket, Prefix: "bad/" })).KeyCount).toBe(0);
    });
  });
}
