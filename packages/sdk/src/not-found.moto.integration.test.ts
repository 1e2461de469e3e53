import { describe, expect, it } from "vitest";
import { motoClient, uniqueBucket } from "../test/moto-client.js";

describe("reading from a bucket that does not exist (moto)", () => {
  it("says the bucket is missing, not the object", async () => {
    const client = motoClient();
    const bucket = uniqueBucket("missing");
    const error = await client
      .getObject({ Bucket: bucket, Key: "rel/app.zip" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: `Bucket not found: ${bucket}` });
    client.destroy();
  });
});
