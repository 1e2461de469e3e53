import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { createSha256Hasher } from "../memory/sha256-hasher.js";
import { seededBytes } from "../../test/seeded.js";
import {
  formatShard,
  MAX_SHARD_COUNT,
  parseShard,
  resolveShard,
  shardIndexOf,
  shardSelector,
} from "./shard.js";

const hasher = createSha256Hasher();

/** Seeded keys shaped like a bucket's: folders, versions, a few non-ASCII names. */
function seededKeys(seed: number, count: number): string[] {
  const bytes = seededBytes(seed, count * 4);
  const names = ["app", "lib", "tool", "données", "库", "a b"];
  return Array.from({ length: count }, (_, i) => {
    const a = bytes[i * 4] as number;
    const b = bytes[i * 4 + 1] as number;
    const c = bytes[i * 4 + 2] as number;
    const name = names[a % names.length] as string;
    return `${name}-${b % 20}/v${c}.${bytes[i * 4 + 3]}/${name}-${i}.zip`;
  });
}

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("shardIndexOf", () => {
  it("is the documented formula: first 8 bytes of SHA-256, big-endian, mod N", () => {
    for (const key of ["", "a", "releases/app-1.0.zip", "données/库.zip"]) {
      const digest = createHash("sha256").update(key, "utf8").digest();
      const first8 = digest.readBigUInt64BE(0);
      for (const count of [1, 2, 3, 7, 1000, MAX_SHARD_COUNT]) {
        expect(shardIndexOf(hasher, key, count)).toBe(Number(first8 % BigInt(count)));
      }
    }
  });

  it("puts every key in exactly one of N shards, for many N (seeded keys)", () => {
    for (const [seed, count] of [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 7],
      [6, 16],
    ] as const) {
      const keys = seededKeys(seed, 2000);
      const selectors = Array.from({ length: count }, (_, index) =>
        shardSelector({ index, count }, hasher),
      );
      for (const key of keys) {
        const owners = selectors.filter((s) => s.includes(key));
        expect(owners.length, `${key} in ${count} shards`).toBe(1);
        expect(owners[0]?.shard.index).toBe(shardIndexOf(hasher, key, count));
      }
    }
  });

  it("splits seeded keys evenly: each of 4 shards within 5% of a quarter of 20,000", () => {
    const counts = [0, 0, 0, 0];
    for (const key of seededKeys(42, 20_000)) {
      const index = shardIndexOf(hasher, key, 4);
      counts[index] = (counts[index] as number) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThan(5000 * 0.95);
      expect(count).toBeLessThan(5000 * 1.05);
    }
  });
});

describe("parseShard", () => {
  it("reads K/N with K from 0 to N-1", () => {
    expect(parseShard("0/1")).toEqual({ index: 0, count: 1 });
    expect(parseShard("3/4")).toEqual({ index: 3, count: 4 });
    expect(parseShard(" 2 / 8 ")).toEqual({ index: 2, count: 8 });
    expect(formatShard(parseShard("5/10"))).toBe("5/10");
  });

  it("refuses malformed and out-of-range values, naming the flag", () => {
    expect(invalid(() => parseShard("4/4", "--shard"))).toMatch(
      /--shard "4\/4": K must be below N/,
    );
    expect(invalid(() => parseShard("1/0", "--shard"))).toMatch(/N must be from 1/);
    for (const bad of ["", "1", "1/", "/4", "-1/4", "1.5/4", "a/b", "1/4/8", "01/4", "0x1/4"]) {
      expect(invalid(() => parseShard(bad, "--shard"))).toContain("--shard");
    }
    expect(invalid(() => parseShard(`0/${MAX_SHARD_COUNT + 1}`))).toMatch(/N must be from 1/);
  });
});

describe("resolveShard", () => {
  it("is undefined (no sharding) without --shard or a shard count, whatever the environment", () => {
    expect(resolveShard({})).toBeUndefined();
    expect(
      resolveShard({ env: { AWS_BATCH_JOB_ARRAY_INDEX: "3", JOB_COMPLETION_INDEX: "1" } }),
    ).toBeUndefined();
  });

  it("takes K/N as given, and checks a shard count beside it", () => {
    expect(resolveShard({ shard: "1/3", env: { JOB_COMPLETION_INDEX: "2" } })).toEqual({
      index: 1,
      count: 3,
    });
    expect(resolveShard({ shard: "1/3", shardCount: "3" })).toEqual({ index: 1, count: 3 });
    expect(invalid(() => resolveShard({ shard: "1/3", shardCount: 4 }))).toMatch(/disagree/);
  });

  it("picks the index up from AWS Batch, then Kubernetes, with the count given", () => {
    expect(resolveShard({ shardCount: "8", env: { AWS_BATCH_JOB_ARRAY_INDEX: "5" } })).toEqual({
      index: 5,
      count: 8,
    });
    expect(resolveShard({ shardCount: 8, env: { JOB_COMPLETION_INDEX: "0" } })).toEqual({
      index: 0,
      count: 8,
    });
    expect(
      resolveShard({
        shardCount: "8",
        env: { AWS_BATCH_JOB_ARRAY_INDEX: "6", JOB_COMPLETION_INDEX: "2" },
      }),
    ).toEqual({ index: 6, count: 8 });
    // An empty variable counts as unset.
    expect(
      resolveShard({
        shardCount: "8",
        env: { AWS_BATCH_JOB_ARRAY_INDEX: "", JOB_COMPLETION_INDEX: "7" },
      }),
    ).toEqual({ index: 7, count: 8 });
  });

  it("refuses a count without an index, a bad count, and an index out of range", () => {
    const names = { shard: "--shard", shardCount: "--shard-count" };
    expect(invalid(() => resolveShard({ shardCount: "4", env: {}, names }))).toMatch(
      /--shard-count 4 was given, but no shard index: none of AWS_BATCH_JOB_ARRAY_INDEX, JOB_COMPLETION_INDEX/,
    );
    for (const bad of ["0", "-1", "2.5", "four", ""]) {
      expect(invalid(() => resolveShard({ shardCount: bad, names }))).toMatch(
        /--shard-count must be a whole number from 1/,
      );
    }
    expect(
      invalid(() => resolveShard({ shardCount: "4", env: { JOB_COMPLETION_INDEX: "4" }, names })),
    ).toMatch(/JOB_COMPLETION_INDEX="4" is not a shard index from 0 to 3/);
    expect(
      invalid(() =>
        resolveShard({ shardCount: "4", env: { AWS_BATCH_JOB_ARRAY_INDEX: "x" }, names }),
      ),
    ).toMatch(/AWS_BATCH_JOB_ARRAY_INDEX="x"/);
  });
});
