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

  it("presigns a browser upload form that moto accepts, the file landing as sent", async () => {
    const presign = store.capabilities?.presign;
    if (!presign) throw new Error("the S3 store declares presigned forms");
    const bucket = bucketName();
    await store.createBucket(bucket);
    const post = await presign.presignPost(bucket, "uploads/app.zip", {
      expiresIn: 300,
      fields: { "Content-Type": "application/zip", "x-amz-meta-build": "17" },
      conditions: [["content-length-range", 1, 1_000_000], { "Content-Type": "application/zip" }],
    });
    expect(post.fields).toMatchObject({
      key: "uploads/app.zip",
      "Content-Type": "application/zip",
    });
    expect(post.fields.Policy).toBeTruthy();
    expect(post.fields["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? "", "base64").toString("utf8"));
    expect(policy.conditions).toContainEqual(["content-length-range", 1, 1_000_000]);
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append("file", new Blob([new TextEncoder().encode("zip bytes")]), "app.zip");
    const response = await fetch(post.url, { method: "POST", body: form });
    expect(response.status).toBeLessThan(300);
    const info = await store.headObject(bucket, "uploads/app.zip");
    expect(info).toMatchObject({ size: 9, contentType: "application/zip" });
    expect(info?.metadata).toMatchObject({ build: "17" });
  });
});
