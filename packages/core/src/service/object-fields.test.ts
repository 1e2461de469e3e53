import { describe, expect, it } from "vitest";
import { bodyOf, collectBytes, concat, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import { hasCode, PermissionDeniedError } from "../errors.js";
import { createMemoryObjectStore } from "../memory/index.js";
import type { ObjectHeaders } from "../ports/object-store.js";

const v1 = seededBytes(11, 40_000);
const v2 = concat(v1, seededBytes(12, 500));
const headers: ObjectHeaders = {
  cacheControl: "max-age=3600",
  contentDisposition: 'attachment; filename="app.zip"',
  contentEncoding: "identity",
  contentLanguage: "en-GB",
  expires: new Date("2031-05-06T07:08:09Z"),
};
const tags = { team: "build", stage: "rc 1" };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("DeltaService: headers and tags", () => {
  it("keeps them on the zero-diff delta, a later delta and a direct object; never on the reference", async () => {
    const { service, store } = makeService();
    const first = await service.put("bkt", "rel/app-1.zip", bodyOf(v1), { headers, tags });
    const second = await service.put("bkt", "rel/app-2.zip", bodyOf(v2), { headers, tags });
    const direct = await service.put("bkt", "rel/notes.txt", bodyOf(v1), { headers, tags });
    expect([first.storageType, second.storageType, direct.storageType]).toEqual([
      "reference",
      "delta",
      "direct",
    ]);
    for (const key of ["rel/app-1.zip", "rel/app-2.zip", "rel/notes.txt"]) {
      const info = await service.head("bkt", key);
      expect(info.headers, key).toEqual(headers);
      expect(info.tagCount, key).toBe(2);
      expect(await service.getTagging("bkt", key)).toEqual(tags);
      const got = await service.get("bkt", key);
      expect(got.info.headers).toEqual(headers);
      await collectBytes(got.body);
    }
    const reference = await store.headObject("bkt", "rel/reference.bin");
    expect(reference?.headers).toBeUndefined();
    expect(reference?.tagCount).toBeUndefined();
    expect(await store.getObjectTagging("bkt", "rel/reference.bin")).toEqual({});
  });

  it("leaves headers and tag count out when none were given", async () => {
    const { service } = makeService();
    await service.put("bkt", "a/app.zip", bodyOf(v1));
    const info = await service.head("bkt", "a/app.zip");
    expect(info.headers).toBeUndefined();
    expect(info.tagCount).toBeUndefined();
    expect(await service.getTagging("bkt", "a/app.zip")).toEqual({});
  });

  it("copies keep headers and tags; given ones replace them", async () => {
    const { service } = makeService();
    await service.put("bkt", "src/app-1.zip", bodyOf(v1), { headers, tags });
    await service.copy("bkt", "src/app-1.zip", "bkt", "dst/kept.zip");
    const kept = await service.head("bkt", "dst/kept.zip");
    expect(kept.headers).toEqual(headers);
    expect(await service.getTagging("bkt", "dst/kept.zip")).toEqual(tags);

    await service.copy("bkt", "src/app-1.zip", "bkt", "dst/replaced.zip", {
      headers: { cacheControl: "no-store" },
      tags: { only: "this" },
    });
    const replaced = await service.head("bkt", "dst/replaced.zip");
    expect(replaced.headers).toEqual({ cacheControl: "no-store" });
    expect(await service.getTagging("bkt", "dst/replaced.zip")).toEqual({ only: "this" });

    await service.copy("bkt", "src/app-1.zip", "bkt", "dst/bare.zip", { headers: {}, tags: {} });
    const bare = await service.head("bkt", "dst/bare.zip");
    expect(bare.headers).toBeUndefined();
    expect(bare.tagCount).toBeUndefined();
  });

  it("puts and deletes tags on the stored object a logical key resolves to", async () => {
    const { service, store } = makeService();
    await service.put("bkt", "t/app-1.zip", bodyOf(v1));
    await service.putTagging("bkt", "t/app-1.zip", { a: "1" });
    expect(await store.getObjectTagging("bkt", "t/app-1.zip.delta")).toEqual({ a: "1" });
    expect((await service.head("bkt", "t/app-1.zip")).tagCount).toBe(1);
    await service.deleteTagging("bkt", "t/app-1.zip");
    expect(await service.getTagging("bkt", "t/app-1.zip")).toEqual({});
    expect(hasCode(await rejection(service.getTagging("bkt", "t/none.zip")), "NOT_FOUND")).toBe(
      true,
    );
  });

  it("refuses bad tags and a bad Expires before anything is stored", async () => {
    const { service, store } = makeService();
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
    const bad = await rejection(service.put("bkt", "b/app.zip", bodyOf(v1), { tags: many }));
    expect(hasCode(bad, "INVALID_ARGUMENT")).toBe(true);
    const badDate = await rejection(
      service.put("bkt", "b/app.zip", bodyOf(v1), { headers: { expires: new Date("x") } }),
    );
    expect(hasCode(badDate, "INVALID_ARGUMENT")).toBe(true);
    expect((await store.listObjects("bkt")).objects).toEqual([]);
    await service.put("bkt", "b/app.zip", bodyOf(v1));
    const badPut = await rejection(
      service.putTagging("bkt", "b/app.zip", { ["k".repeat(129)]: "v" }),
    );
    expect(hasCode(badPut, "INVALID_ARGUMENT")).toBe(true);
  });

  it("copies without s3:GetObjectTagging: untagged objects never ask, tagged ones copy without their tags", async () => {
    const inner = createMemoryObjectStore({ buckets: ["bkt"] });
    let tagReads = 0;
    const store = {
      ...inner,
      getObjectTagging: async () => {
        tagReads += 1;
        throw new PermissionDeniedError("Access denied: s3:GetObjectTagging");
      },
    };
    const warnings: string[] = [];
    const { service } = makeService({
      store,
      logger: { log: (level, message) => void (level === "warn" && warnings.push(message)) },
    });
    await service.put("bkt", "rel/app-1.zip", bodyOf(v1));
    await service.put("bkt", "rel/app-2.zip", bodyOf(v2), { tags });

    await service.copy("bkt", "rel/app-1.zip", "bkt", "copy/app-1.zip");
    expect(tagReads).toBe(0);
    expect(warnings).toEqual([]);

    await service.copy("bkt", "rel/app-2.zip", "bkt", "copy/app-2.zip");
    expect(tagReads).toBe(1);
    expect(warnings).toHaveLength(1);
    const copied = await service.get("bkt", "copy/app-2.zip");
    expect(await collectBytes(copied.body)).toEqual(v2);
    expect(copied.info.tagCount).toBeUndefined();
  });
});
