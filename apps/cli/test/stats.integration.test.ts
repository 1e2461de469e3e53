import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, releaseVersions, type Workspace } from "./harness.js";

let ws: Workspace;
const versions = releaseVersions("stats", 150_000, 4);

interface StatsJson {
  readonly bucket: string;
  readonly prefix: string;
  readonly mode: string;
  readonly objectCount: number;
  readonly deltaObjects: number;
  readonly directObjects: number;
  readonly originalBytes: number;
  readonly storedBytes: number;
  readonly savingsPercent: number;
  readonly cached: boolean;
  readonly deltaspaces: readonly { readonly deltaspace: string }[];
}

async function statsJson(args: readonly string[]): Promise<StatsJson> {
  const result = await ws.run(["stats", ...args, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatsJson;
}

async function rawKeys(bucket: string, prefix: string): Promise<string[]> {
  const page = await ws.store().listObjects(bucket, { prefix });
  return page.objects.map((o) => o.key);
}

beforeAll(async () => {
  ws = await createWorkspace();
  await ws.run(["mb", "s3://stb"]);
  for (const [i, bytes] of versions.entries()) await ws.write(`rel/app-${i}.zip`, bytes);
  await ws.write("rel/notes.txt", "notes\n");
  const up = await ws.run(["cp", "-r", "rel", "s3://stb/releases/"]);
  expect(up.code, up.stderr).toBe(0);
});
afterAll(async () => {
  await ws.cleanup();
});

describe("stats", () => {
  it("reports totals and savings per deltaspace, as text", async () => {
    const result = await ws.run(["stats", "stb"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Bucket statistics: s3://stb/ (quick mode)");
    expect(result.stdout).toContain("Objects:            5 (4 delta, 1 direct), 1 reference");
    expect(result.stdout).toMatch(/Original size: +585\.9 KiB \(600,006 bytes\)/);
    expect(result.stdout).toMatch(/^releases\/ +5 /m);
  });

  it("answers a repeat call on an unchanged bucket from the cache in the bucket", async () => {
    const first = await statsJson(["s3://stb/", "--sampled"]);
    expect(first.mode).toBe("sampled");
    const second = await statsJson(["s3://stb/", "--sampled"]);
    expect(second.cached).toBe(true);
    expect({ ...second, cached: false }).toEqual({ ...first, cached: false });
    expect((await rawKeys("stb", ".deltaglider/")).length).toBeGreaterThan(0);
    // The cache is hidden from listings.
    const listing = await ws.run(["ls", "-r", "s3://stb/"]);
    expect(listing.stdout).not.toContain(".deltaglider");
  });

  it("recomputes when the bucket changed, and with --refresh", async () => {
    await statsJson(["stb", "--detailed"]);
    expect((await statsJson(["stb", "--detailed"])).cached).toBe(true);
    await ws.write("more/extra.txt", "extra bytes\n");
    await ws.run(["cp", "more/extra.txt", "s3://stb/releases/"]);
    const changed = await statsJson(["stb", "--detailed"]);
    expect(changed.cached).toBe(false);
    expect(changed.objectCount).toBe(6);
    expect((await statsJson(["stb", "--detailed"])).cached).toBe(true);
    expect((await statsJson(["stb", "--detailed", "--refresh"])).cached).toBe(false);
  });

  it("neither reads nor writes the cache with --no-cache", async () => {
    await ws.run(["mb", "s3://stb-nocache"]);
    await ws.run(["cp", "rel/app-0.zip", "s3://stb-nocache/"]);
    const result = await statsJson(["stb-nocache", "--no-cache"]);
    expect(result.cached).toBe(false);
    // The upload wrote the object-facts index under .deltaglider/facts/; the stats cache is
    // under .deltaglider/cli-stats/.
    expect(await rawKeys("stb-nocache", ".deltaglider/cli-stats/")).toEqual([]);
  });

  it("limits figures to a prefix", async () => {
    await ws.run(["cp", "rel/app-0.zip", "s3://stb/other/"]);
    const result = await statsJson(["s3://stb/other/"]);
    expect(result.prefix).toBe("other/");
    expect(result.objectCount).toBe(1);
    expect(result.deltaspaces.map((s) => s.deltaspace)).toEqual(["other"]);
  });

  it("refuses conflicting flags (exit 2) and an unknown bucket (exit 1)", async () => {
    expect((await ws.run(["stats", "stb", "--sampled", "--detailed"])).code).toBe(2);
    expect((await ws.run(["stats", "stb", "--refresh", "--no-cache"])).code).toBe(2);
    const missing = await ws.run(["stats", "no-such-bucket"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/deltaglider: error: .*no-such-bucket/i);
  });
});
