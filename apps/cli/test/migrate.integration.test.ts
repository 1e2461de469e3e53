import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createWorkspace,
  releaseVersions,
  sha256,
  uniqueBucket,
  type Workspace,
} from "./harness.js";

const versions = releaseVersions("migrate", 150_000, 4) as Uint8Array[];

async function rawKeys(ws: Workspace, bucket: string): Promise<string[]> {
  return (await ws.store().listObjects(bucket, {})).objects.map((o) => o.key).sort();
}

describe("migrate on the file:// store", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.run(["mb", "s3://legacy"]);
    await ws.run(["mb", "s3://compact"]);
    const store = ws.store();
    for (const [i, bytes] of versions.entries()) {
      await store.putObject("legacy", `releases/app-${i}.zip`, bytes, {});
    }
    await store.putObject("legacy", "releases/notes.txt", new TextEncoder().encode("n"), {});
    await store.putObject("legacy", "releases/tmp/junk.bin", new Uint8Array(10), {});
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it("refuses to prompt without a terminal, naming --yes (exit 2)", async () => {
    const result = await ws.run(["migrate", "s3://legacy/releases/", "s3://compact/"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--yes");
    expect(await rawKeys(ws, "compact")).toEqual([]);
  });

  it("shows the plan with --dry-run and writes nothing", async () => {
    const result = await ws.run([
      "migrate",
      "s3://legacy/releases/",
      "s3://compact/",
      "--dry-run",
      "--exclude",
      "tmp/*",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Migrating s3://legacy/releases/ to s3://compact/releases/");
    expect(result.stdout).toContain("Files to migrate: 5 (");
    expect(result.stdout).toContain(
      "(dryrun) copy: s3://legacy/releases/app-3.zip to s3://compact/releases/app-3.zip",
    );
    expect(result.stdout).not.toContain("junk.bin");
    expect(await rawKeys(ws, "compact")).toEqual([]);
  });

  it("migrates with --yes into <destination>/<last source folder>/ and compresses", async () => {
    const result = await ws.run([
      "migrate",
      "s3://legacy/releases/",
      "s3://compact/",
      "--yes",
      "--exclude",
      "tmp/*",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Migration summary: 5 migrated, 0 already there, 0 failed");
    expect(result.stdout).toMatch(/Stored [\d.]+ KiB as [\d.]+ KiB \(\d+\.\d% saved\)/);
    const keys = await rawKeys(ws, "compact");
    expect(keys).toContain("releases/reference.bin");
    expect(keys).toContain("releases/app-3.zip.delta");
    const back = await ws.run(["cp", "s3://compact/releases/app-3.zip", "m3.zip"]);
    expect(back.code).toBe(0);
    expect(sha256(await ws.read("m3.zip"))).toBe(sha256(versions[3] as Uint8Array));
  });

  it("resumes: skips files already there with the same content, redoes changed ones", async () => {
    const again = await ws.run([
      "migrate",
      "s3://legacy/releases/",
      "s3://compact/",
      "--yes",
      "--exclude",
      "tmp/*",
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Already migrated: 5 files (skipped)");
    expect(again.stdout).toContain("Nothing to migrate");
    // Same size, other content: must be copied again.
    const changed = new Uint8Array(versions[1] as Uint8Array);
    changed[10] = (changed[10] as number) ^ 1;
    await ws.store().putObject("legacy", "releases/app-1.zip", changed, {});
    const redo = await ws.run([
      "migrate",
      "s3://legacy/releases/",
      "s3://compact/",
      "--yes",
      "--exclude",
      "tmp/*",
    ]);
    expect(redo.code).toBe(0);
    expect(redo.stdout).toContain("Files to migrate: 1 (");
    expect(redo.stdout).toContain(
      "copy: s3://legacy/releases/app-1.zip to s3://compact/releases/app-1.zip",
    );
  });

  it("writes straight under the destination with --no-preserve-prefix", async () => {
    const result = await ws.run([
      "migrate",
      "s3://legacy/releases/tmp/",
      "s3://compact/flat/",
      "--yes",
      "--no-preserve-prefix",
    ]);
    expect(result.code).toBe(0);
    expect(await rawKeys(ws, "compact")).toContain("flat/junk.bin");
  });

  it("migrates a deltaglider source too (files rebuilt), and exits 1 when a file fails", async () => {
    await ws.run(["mb", "s3://dgsource"]);
    const client = ws.client();
    for (const [i, bytes] of versions.entries()) {
      await client.putObject({ Bucket: "dgsource", Key: `r/app-${i}.zip`, Body: bytes });
    }
    // Damage one delta: its rebuild fails the SHA-256 check.
    const raw = await ws.store().getObject("dgsource", "r/app-2.zip.delta");
    const chunks: Uint8Array[] = [];
    for await (const chunk of raw.body) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0xff;
    await ws.store().putObject("dgsource", "r/app-2.zip.delta", bytes, {
      metadata: raw.info.metadata,
    });
    const result = await ws.run(["migrate", "s3://dgsource/r/", "s3://compact/dg/", "--yes"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Migration summary: 3 migrated, 0 already there, 1 failed");
    expect(result.stderr).toMatch(/copy failed: s3:\/\/dgsource\/r\/app-2\.zip/);
  });

  it("refuses local paths and overlapping prefixes (exit 2)", async () => {
    expect((await ws.run(["migrate", "dir", "s3://compact/"])).code).toBe(2);
    expect((await ws.run(["migrate", "s3://legacy/", "s3://legacy/inside/", "--yes"])).code).toBe(
      2,
    );
  });
});

describe("migrate against moto, with the EC2 region check", () => {
  let ws: Workspace;
  let imds: Server;
  let imdsUrl: string;
  const requests: string[] = [];
  const source = uniqueBucket("mig-src");
  const destination = uniqueBucket("mig-dst");

  beforeAll(async () => {
    ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
    // A stand-in for the instance metadata service, on loopback.
    imds = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      if (request.method === "PUT" && request.url === "/latest/api/token") {
        response.end("token-123");
      } else if (request.headers["x-aws-ec2-metadata-token"] !== "token-123") {
        response.statusCode = 401;
        response.end();
      } else if (request.url === "/latest/meta-data/placement/region") {
        response.end("eu-west-1");
      } else if (request.url === "/latest/meta-data/placement/availability-zone") {
        response.end("eu-west-1b");
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
    imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
    await ws.run(["mb", `s3://${source}`]);
    await ws.run(["mb", `s3://${destination}`]);
    for (const [i, bytes] of versions.slice(0, 2).entries()) {
      await ws.store().putObject(source, `builds/app-${i}.zip`, bytes, {});
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => imds.close(resolve));
    await ws.cleanup();
  });

  it("reports a region mismatch with the instance, then migrates", async () => {
    const result = await ws.run(
      ["migrate", `s3://${source}/builds/`, `s3://${destination}/`, "--yes"],
      {
        env: {
          DG_DISABLE_EC2_DETECTION: undefined,
          AWS_EC2_METADATA_DISABLED: undefined,
          AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsUrl,
          // A busy machine can take more than the default second to start the first request.
          AWS_METADATA_SERVICE_TIMEOUT: "60",
        },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("EC2 instance: eu-west-1b");
    expect(result.stdout).toContain("S3 client region: us-east-1");
    expect(result.stdout).toContain("consider --region eu-west-1");
    expect(result.stdout).toContain("Migration summary: 2 migrated");
    expect(requests).toContain("PUT /latest/api/token");
  });

  it("does not probe when DG_DISABLE_EC2_DETECTION=true", async () => {
    requests.length = 0;
    const result = await ws.run(
      ["migrate", `s3://${source}/builds/`, `s3://${destination}/`, "--yes"],
      {
        env: { DG_DISABLE_EC2_DETECTION: "true", AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsUrl },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("EC2 instance");
    expect(requests).toEqual([]);
  });
});
