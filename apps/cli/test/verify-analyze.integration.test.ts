import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, releaseVersions, sha256, type Workspace } from "./harness.js";

let ws: Workspace;
const versions = releaseVersions("verify", 200_000, 4);

async function corrupt(bucket: string, storedKey: string): Promise<void> {
  const store = ws.store();
  const raw = await store.getObject(bucket, storedKey);
  const chunks: Uint8Array[] = [];
  for await (const chunk of raw.body) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] as number) ^ 0x5a;
  await store.putObject(bucket, storedKey, bytes, { metadata: raw.info.metadata });
}

async function rawKeys(bucket: string): Promise<string[]> {
  return (await ws.store().listObjects(bucket, {})).objects.map((o) => o.key).sort();
}

beforeAll(async () => {
  ws = await createWorkspace();
  await ws.run(["mb", "s3://ver"]);
  for (const [i, bytes] of versions.entries()) await ws.write(`v/app-${i}.zip`, bytes);
  const up = await ws.run(["cp", "-r", "v", "s3://ver/app/"]);
  expect(up.code, up.stderr).toBe(0);
});
afterAll(async () => {
  await ws.cleanup();
});

describe("verify", () => {
  it("rebuilds an object and prints its SHA-256", async () => {
    const result = await ws.run(["verify", "s3://ver/app/app-2.zip"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `verified: s3://ver/app/app-2.zip (sha256 ${sha256(versions[2] as Uint8Array)}, 195.3 KiB, delta)\n`,
    );
  });

  it("reports a foreign object as unverifiable, and a missing one as an error", async () => {
    await ws.store().putObject("ver", "plain/foreign.bin", new Uint8Array([1, 2, 3]), {});
    const foreign = await ws.run(["verify", "s3://ver/plain/foreign.bin"]);
    expect(foreign.code).toBe(0);
    expect(foreign.stdout).toContain("unverifiable: s3://ver/plain/foreign.bin");
    const missing = await ws.run(["verify", "s3://ver/app/none.zip"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^deltaglider: error: /);
  });

  it("fails with exit 1 on a damaged delta, alone or under a prefix", async () => {
    await corrupt("ver", "app/app-3.zip.delta");
    const single = await ws.run(["verify", "s3://ver/app/app-3.zip"]);
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/^verify failed: s3:\/\/ver\/app\/app-3\.zip: /);
    const all = await ws.run(["verify", "-r", "s3://ver/app/", "--json"]);
    expect(all.code).toBe(1);
    const results = JSON.parse(all.stdout) as { key: string; status: string }[];
    expect(results.map((r) => [r.key, r.status])).toEqual([
      ["app/app-0.zip", "ok"],
      ["app/app-1.zip", "ok"],
      ["app/app-2.zip", "ok"],
      ["app/app-3.zip", "mismatch"],
    ]);
    const filtered = await ws.run(["verify", "-r", "s3://ver/app/", "--exclude", "app-3*", "-q"]);
    expect(filtered.code).toBe(0);
    expect(filtered.stdout).toBe("");
  });
});

describe("analyze", () => {
  it("projects the savings of a plain prefix and writes nothing", async () => {
    await ws.run(["mb", "s3://plain"]);
    const store = ws.store();
    for (const [i, bytes] of versions.entries()) {
      await store.putObject("plain", `builds/app-${i}.zip`, bytes, {});
    }
    await store.putObject("plain", "builds/readme.txt", new TextEncoder().encode("hi"), {});
    const before = await rawKeys("plain");
    const result = await ws.run(["analyze", "s3://plain/builds/"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "Compression estimate: s3://plain/builds/ (nothing was written)",
    );
    expect(result.stdout).toMatch(/Objects: +5 \(4 delta-eligible, \d+ measured\)/);
    const json = JSON.parse((await ws.run(["analyze", "s3://plain/builds/", "--json"])).stdout) as {
      estimatedSavingsPercent: number;
    };
    expect(json.estimatedSavingsPercent).toBeGreaterThan(50);
    expect(await rawKeys("plain")).toEqual(before);
  });

  it("refuses a bad --samples value", async () => {
    expect((await ws.run(["analyze", "s3://plain/", "--samples", "1"])).code).toBe(2);
  });
});
