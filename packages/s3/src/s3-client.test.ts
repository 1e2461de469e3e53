import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createS3Client } from "./s3-client.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-s3-client-"));
  // The AWS SDK's own chain reads these; the adapter itself reads no variable.
  vi.stubEnv("AWS_CONFIG_FILE", join(dir, "config"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "credentials"));
  vi.stubEnv("AWS_REGION", undefined);
  vi.stubEnv("AWS_DEFAULT_REGION", undefined);
  vi.stubEnv("AWS_PROFILE", undefined);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function regionOf(options: Parameters<typeof createS3Client>[0]): Promise<string> {
  const client = createS3Client(options);
  try {
    return await client.config.region();
  } finally {
    client.destroy();
  }
}

describe("createS3Client region", () => {
  it("signs a custom endpoint for us-east-1 when nothing names a region", async () => {
    expect(await regionOf({ endpoint: "http://127.0.0.1:9" })).toBe("us-east-1");
  });

  it("lets the AWS SDK's chain name it first: the environment, then the profile", async () => {
    await writeFile(join(dir, "config"), "[profile lab]\nregion = eu-north-1\n");
    expect(await regionOf({ endpoint: "http://127.0.0.1:9", profile: "lab" })).toBe("eu-north-1");
    vi.stubEnv("AWS_REGION", "ap-east-1");
    expect(await regionOf({ endpoint: "http://127.0.0.1:9" })).toBe("ap-east-1");
    expect(await regionOf({ endpoint: "http://127.0.0.1:9", region: "sa-east-1" })).toBe(
      "sa-east-1",
    );
  });

  it("takes credentials as values or as a provider", async () => {
    const fixed = createS3Client({ credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const provided = createS3Client({
      credentials: async () => ({ accessKeyId: "c", secretAccessKey: "d", sessionToken: "t" }),
    });
    try {
      expect(await fixed.config.credentials()).toMatchObject({ accessKeyId: "a" });
      expect(await provided.config.credentials()).toMatchObject({
        accessKeyId: "c",
        sessionToken: "t",
      });
    } finally {
      fixed.destroy();
      provided.destroy();
    }
  });
});
