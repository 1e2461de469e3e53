import { createShardSelector } from "@dg/sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createWorkspace,
  releaseVersions,
  sha256,
  uniqueBucket,
  type Workspace,
} from "./harness.js";

/** Twelve files in three folders (four versions of a release each) plus two small ones. */
const FOLDERS = ["alpha", "beta", "gamma"] as const;
const versions = releaseVersions("shard", 60_000, 4) as Uint8Array[];
const files: { relative: string; bytes: Uint8Array }[] = [
  ...FOLDERS.flatMap((folder) =>
    versions.map((bytes, i) => ({ relative: `${folder}/app-${i}.zip`, bytes })),
  ),
  { relative: "notes.txt", bytes: new TextEncoder().encode("notes\n") },
  { relative: "alpha/readme.txt", bytes: new TextEncoder().encode("readme\n") },
];

/** Keys written by a run's plain output lines (`upload: a to s3://b/k`, `copy: …`). */
function writtenKeys(stdout: string, prefix: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => /^(upload|copy): /.test(line))
    .map((line) => (line.replace(/ \(.*\)$/, "").split(" to ")[1] as string).slice(prefix.length))
    .sort();
}

function expectUsageError(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe("");
  const [first] = result.stderr.split("\n");
  expect(first).toMatch(/^deltaglider: error: \S/);
}

describe("--shard and --shard-count on the file:// store", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.run(["mb", "s3://shards"]);
    for (const file of files) await ws.write(`src/${file.relative}`, file.bytes);
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it("refuses bad values with a usage error (exit 2) before writing anything", async () => {
    const cases: { args: string[]; env?: Record<string, string>; says: RegExp }[] = [
      { args: ["--shard", "4/4"], says: /--shard "4\/4": K must be below N/ },
      { args: ["--shard", "one/4"], says: /--shard must be K\/N, not "one\/4"/ },
      { args: ["--shard", "1/0"], says: /N must be from 1/ },
      { args: ["--shard", "1/4", "--shard-count", "3"], says: /disagree/ },
      { args: ["--shard-count", "4"], says: /no shard index/ },
      { args: ["--shard-count", "0"], says: /--shard-count must be a whole number from 1/ },
      {
        args: ["--shard-count", "4"],
        env: { JOB_COMPLETION_INDEX: "9" },
        says: /JOB_COMPLETION_INDEX="9" is not a shard index from 0 to 3/,
      },
      { args: [], env: { DG_SHARD: "2" }, says: /--shard must be K\/N, not "2"/ },
    ];
    for (const { args, env, says } of cases) {
      for (const command of [
        ["sync", "src", "s3://shards/up/"],
        ["migrate", "s3://shards/none/", "s3://shards/to/", "--yes"],
      ]) {
        const result = await ws.run([...command, ...args], env ? { env } : {});
        expectUsageError(result);
        expect(result.stderr).toMatch(says);
      }
    }
    expect((await ws.store().listObjects("shards", {})).objects).toEqual([]);
  });

  it("takes the shard from --shard, DG_SHARD, AWS Batch's and Kubernetes' index variables", async () => {
    const all = files.map((f) => f.relative).sort();
    const expected = (index: number) =>
      all.filter((relative) => createShardSelector({ index, count: 2 }).includes(relative));
    // Each run syncs into its own prefix, so each shows exactly the files of its shard.
    const runs = [
      { prefix: "flag0/", args: ["--shard", "0/2"], env: {}, index: 0 },
      { prefix: "var1/", args: [], env: { DG_SHARD: "1/2" }, index: 1 },
      {
        prefix: "batch0/",
        args: ["--shard-count", "2"],
        env: { AWS_BATCH_JOB_ARRAY_INDEX: "0" },
        index: 0,
      },
      {
        prefix: "k8s1/",
        args: [],
        env: { DG_SHARD_COUNT: "2", JOB_COMPLETION_INDEX: "1" },
        index: 1,
      },
    ];
    for (const run of runs) {
      const result = await ws.run(["sync", "src", `s3://shards/${run.prefix}`, ...run.args], {
        env: run.env,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(writtenKeys(result.stdout, `s3://shards/${run.prefix}`)).toEqual(expected(run.index));
    }
    // The two shards split the files: none in both, none in neither.
    expect(expected(0).length).toBeGreaterThan(0);
    expect(expected(1).length).toBeGreaterThan(0);
    expect([...expected(0), ...expected(1)].sort()).toEqual(all);
  });

  it("sync --delete in a shard deletes only that shard's extras", async () => {
    const client = ws.client();
    const extras = ["x-1.txt", "x-2.txt", "x-3.txt", "x-4.txt", "x-5.txt", "x-6.txt"];
    for (const extra of extras) {
      await client.putObject({ Bucket: "shards", Key: `flag0/${extra}`, Body: extra });
    }
    const result = await ws.run([
      "sync",
      "src",
      "s3://shards/flag0/",
      "--shard",
      "0/2",
      "--delete",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const mine = createShardSelector({ index: 0, count: 2 });
    const deleted = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("delete: "))
      .map((line) => line.slice("delete: s3://shards/flag0/".length))
      .sort();
    expect(deleted).toEqual(extras.filter((extra) => mine.includes(extra)));
    const left = (await client.listObjectsV2({ Bucket: "shards", Prefix: "flag0/x-" })).Contents;
    expect(left.map((o) => o.Key.slice("flag0/".length)).sort()).toEqual(
      extras.filter((extra) => !mine.includes(extra)),
    );
  });
});

describe("a 2-shard migrate against moto equals a 1-shard one", () => {
  let ws: Workspace;
  const source = uniqueBucket("shard-src");
  const split = uniqueBucket("shard-two");
  const whole = uniqueBucket("shard-one");

  beforeAll(async () => {
    ws = await createWorkspace({ endpoint: inject("s3Endpoint") });
    for (const bucket of [source, split, whole]) {
      const made = await ws.run(["mb", `s3://${bucket}`]);
      expect(made.code, made.stderr).toBe(0);
    }
    for (const file of files) {
      await ws.store().putObject(source, `data/${file.relative}`, file.bytes, {});
    }
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  async function listing(bucket: string): Promise<string[]> {
    const result = await ws.run(["ls", "-r", `s3://${bucket}/`]);
    expect(result.code, result.stderr).toBe(0);
    // Key and original size; the dates differ between runs.
    return result.stdout
      .trim()
      .split("\n")
      .map((line) => line.slice(20).trim())
      .sort();
  }

  async function rawKeys(bucket: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await ws.store().listObjects(bucket, {
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      keys.push(...page.objects.map((o) => o.key));
      token = page.nextContinuationToken;
    } while (token !== undefined);
    return keys.sort();
  }

  it("two shards at once write every file exactly once, as one run does", async () => {
    const migrate = (bucket: string, shard: string) =>
      ws.run(["migrate", `s3://${source}/data/`, `s3://${bucket}/`, "--yes", "--shard", shard]);
    const [first, second] = await Promise.all([migrate(split, "0/2"), migrate(split, "1/2")]);
    const single = await migrate(whole, "0/1");
    for (const result of [first, second, single]) expect(result.code, result.stderr).toBe(0);

    const prefix = `s3://${split}/data/`;
    const firstKeys = writtenKeys(first.stdout, prefix);
    const secondKeys = writtenKeys(second.stdout, prefix);
    expect(first.stdout).toContain(`Shard 0/2: ${firstKeys.length} of ${files.length} files`);
    expect(second.stdout).toContain(`Shard 1/2: ${secondKeys.length} of ${files.length} files`);
    expect(firstKeys.filter((key) => secondKeys.includes(key))).toEqual([]);
    expect([...firstKeys, ...secondKeys].sort()).toEqual(files.map((f) => f.relative).sort());
    expect(writtenKeys(single.stdout, `s3://${whole}/data/`)).toEqual(
      files.map((f) => f.relative).sort(),
    );

    // Same logical bucket: the same keys with the same original sizes.
    expect(await listing(split)).toEqual(await listing(whole));
    // One reference per folder in both, and every file rebuilds byte for byte.
    for (const bucket of [split, whole]) {
      const references = (await rawKeys(bucket)).filter((key) => key.endsWith("reference.bin"));
      expect(references).toEqual(FOLDERS.map((folder) => `data/${folder}/reference.bin`));
      for (const file of files) {
        const out = `back-${bucket}-${file.relative.replace(/\//g, "_")}`;
        const back = await ws.run(["cp", `s3://${bucket}/data/${file.relative}`, out]);
        expect(back.code, back.stderr).toBe(0);
        expect(sha256(await ws.read(out))).toBe(sha256(file.bytes));
      }
    }
  });

  it("rerunning a shard moves nothing", async () => {
    const again = await ws.run([
      "migrate",
      `s3://${source}/data/`,
      `s3://${split}/`,
      "--yes",
      "--shard",
      "1/2",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Nothing to migrate");
    expect(writtenKeys(again.stdout, `s3://${split}/data/`)).toEqual([]);
  });
});
