import { createS3Client, createS3ObjectStore } from "@dg/s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWorkspace, uniqueBucket, type Workspace } from "./harness.js";

const MiB = 1024 * 1024;

describe("purge --older-than and unfinished multipart uploads (moto)", () => {
  let ws: Workspace;
  let s3: ReturnType<typeof createS3Client>;
  const bucket = uniqueBucket("purge-uploads");

  beforeAll(async () => {
    ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
    expect((await ws.run(["mb", `s3://${bucket}`])).code).toBe(0);
    s3 = createS3Client({
      endpoint: inject("s3Endpoint"),
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  });
  afterAll(async () => {
    s3.destroy();
    await ws.cleanup();
  });

  it("aborts the upload a stopped process left, and says so", async () => {
    const store = createS3ObjectStore({
      client: s3,
      multipartThreshold: 5 * MiB,
      partSize: 5 * MiB,
    });
    // An upload that never gets past its first part: the process that started it is gone.
    let stalled!: () => void;
    const reached = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(6 * MiB).fill(1);
      stalled();
      await new Promise<never>(() => undefined);
    }
    void store.putObject(bucket, "rel/app.zip", body()).catch(() => undefined);
    await reached;

    const bad = await ws.run(["purge", bucket, "--older-than", "1w"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--older-than must be an age");

    const run = await ws.run(["purge", bucket, "--older-than", "0", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      multipart_uploads: { supported: true, aborted: ["rel/app.zip"], other_tools: 0 },
    });
    const text = await ws.run(["purge", bucket, "--older-than", "0"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toContain("Unfinished uploads");
  });
});
