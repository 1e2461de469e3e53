import { describe, expect, it } from "vitest";
import { bodyOf, makeService } from "../../test/harness.js";
import { seededBytes } from "../../test/seeded.js";
import type { ObjectStore } from "../ports/index.js";

/** What S3 does: a HEAD in a missing bucket is a bare 404, as for a missing key. */
function s3LikeHeads(store: ObjectStore): ObjectStore {
  return {
    ...store,
    async headObject(bucket, key, options) {
      if (!(await store.headBucket(bucket, options))) return undefined;
      return store.headObject(bucket, key, options);
    },
  };
}

describe("reading what is not there", () => {
  it("says the bucket is missing when it is, not that the object is", async () => {
    const { store } = makeService();
    const { service } = makeService({ store: s3LikeHeads(store) });
    const error = await service.get("no-such-bucket", "rel/app.zip").catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "NOT_FOUND",
      message: "Bucket not found: no-such-bucket",
      hint: expect.stringContaining("bucket name"),
    });
  });

  it("says the object is missing when the bucket exists", async () => {
    const { store } = makeService();
    const { service } = makeService({ store: s3LikeHeads(store) });
    await service.put("bkt", "rel/app-1.zip", bodyOf(seededBytes(5, 1000)));
    const error = await service.get("bkt", "rel/app-2.zip").catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "NOT_FOUND",
      message: "Object not found: s3://bkt/rel/app-2.zip",
    });
  });
});
