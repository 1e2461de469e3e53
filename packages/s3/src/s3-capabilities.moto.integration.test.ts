import { hasCode } from "@dg/core";
import { describe, expect, inject, it } from "vitest";
import { createS3ObjectStore } from "./s3-object-store.js";

const endpoint = inject("s3Endpoint");
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let counter = 0;
const bucketName = () => `s3-capabilities-${process.pid}-${++counter}`;

describe("the S3 store's capabilities, on moto", () => {
  const store = createS3ObjectStore({ endpoint, region: "us-east-1", credentials });

  it("reads and replaces a bucket's ACL", async () => {
    const acl = store.capabilities?.acl;
    if (!acl) throw new Error("the S3 store declares bucket ACLs");
    const bucket = bucketName();
    await store.createBucket(bucket);
    const before = await acl.getBucketAcl(bucket);
    expect(before.grants).toContainEqual(expect.objectContaining({ permission: "FULL_CONTROL" }));
    await acl.putBucketAcl(bucket, { canned: "public-read" });
    const after = await acl.getBucketAcl(bucket);
    expect(after.grants).toContainEqual({
      grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
      permission: "READ",
    });
    await acl.putBucketAcl(bucket, {
      policy: { ...(after.owner ? { owner: after.owner } : {}), grants: before.grants },
    });
    expect((await acl.getBucketAcl(bucket)).grants).toEqual(before.grants);
    expect(hasCode(await acl.getBucketAcl(bucketName()).catch((e) => e), "NOT_FOUND")).toBe(true);
  });

  it("presigns a GET that a plain HTTP client can follow", async () => {
    const presign = store.capabilities?.presign;
    if (!presign) throw new Error("the S3 store declares presigned URLs");
    const bucket = bucketName();
    await store.createBucket(bucket);
    await store.putObject(bucket, "dir/notes.txt", new TextEncoder().encode("hello, link"));
    const url = await presign.presignGetObject(bucket, "dir/notes.txt", {
      expiresIn: 60,
      responseContentDisposition: 'attachment; filename="notes.txt"',
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello, link");
    // Signed into the URL (moto does not echo it back as a header).
    expect(new URL(url).searchParams.get("response-content-disposition")).toBe(
      'attachment; filename="notes.txt"',
    );
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("60");
  });
});
