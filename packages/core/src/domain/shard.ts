import { InvalidArgumentError } from "../errors.js";
import type { Hasher } from "../ports/hasher.js";

/**
 * One part of a piece of work split N ways: shard `index` (0-based, as job arrays number
 * their jobs) of `count`.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The most shards a piece of work can be split into (Kubernetes' limit for indexed Jobs). */
export const MAX_SHARD_COUNT = 100_000;

/**
 * The job-array variables that give a shard's index when the shard count is given on its own,
 * in the order they are read: AWS Batch array jobs, then Kubernetes indexed Jobs. Both are
 * 0-based.
 */
export const SHARD_INDEX_VARIABLES = ["AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"] as const;

/** What a shard is chosen from, and what the caller calls each input in its messages. */
export interface ShardInputs {
  /** `K/N`, e.g. `"2/8"`. */
  readonly shard?: string | undefined;
  /** N alone; K then comes from a job-array variable of `env`. */
  readonly shardCount?: string | number | undefined;
  /** The environment, for {@link SHARD_INDEX_VARIABLES}. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** How errors name the two inputs (default `shard` and `shard count`). */
  readonly names?: { readonly shard: string; readonly shardCount: string };
}

const WHOLE = /^(0|[1-9][0-9]*)$/;

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return WHOLE.test(trimmed) ? Number(trimmed) : undefined;
}

function checkCount(count: number | undefined, text: string, name: string): number {
  if (count === undefined || count < 1 || count > MAX_SHARD_COUNT) {
    throw new InvalidArgumentError(
      `${name} must be a whole number from 1 to ${MAX_SHARD_COUNT}, not ${JSON.stringify(text)}`,
      { hint: `Pass the number of shards the work is split into, e.g. ${name} 4.` },
    );
  }
  return count;
}

/**
 * Parse `K/N` (shard K of N, K from 0 to N-1).
 *
 * @example
 * ```ts
 * parseShard("1/4"); // { index: 1, count: 4 }
 * parseShard("4/4"); // throws InvalidArgumentError: K must be below N
 * ```
 */
export function parseShard(text: string, name = "shard"): Shard {
  const usage = {
    hint: `Write ${name} as K/N with 0 <= K < N, e.g. 0/4 for the first of four shards.`,
  };
  const match = /^\s*([0-9]+)\s*\/\s*([0-9]+)\s*$/.exec(text);
  const index = match ? wholeNumber(match[1] as string) : undefined;
  const count = match ? wholeNumber(match[2] as string) : undefined;
  if (index === undefined || count === undefined) {
    throw new InvalidArgumentError(`${name} must be K/N, not ${JSON.stringify(text)}`, usage);
  }
  if (count < 1 || count > MAX_SHARD_COUNT) {
    throw new InvalidArgumentError(
      `${name} ${JSON.stringify(text)}: N must be from 1 to ${MAX_SHARD_COUNT}`,
      usage,
    );
  }
  if (index >= count) {
    throw new InvalidArgumentError(
      `${name} ${JSON.stringify(text)}: K must be below N (shards are numbered from 0)`,
      usage,
    );
  }
  return { index, count };
}

/**
 * The shard this process works on, or `undefined` when the work is not split:
 *
 * - `shard` (`K/N`) wins; a `shardCount` given beside it must equal N.
 * - `shardCount` alone takes K from the first set variable of {@link SHARD_INDEX_VARIABLES}
 *   (`AWS_BATCH_JOB_ARRAY_INDEX`, then Kubernetes' `JOB_COMPLETION_INDEX`).
 * - Neither: no sharding, whatever the environment holds (an index variable alone never splits
 *   work, so a job that sets one for another reason does not lose files).
 *
 * @example
 * ```ts
 * resolveShard({ shardCount: "4", env: { JOB_COMPLETION_INDEX: "2" } }); // { index: 2, count: 4 }
 * ```
 */
export function resolveShard(inputs: ShardInputs): Shard | undefined {
  const names = inputs.names ?? { shard: "shard", shardCount: "shard count" };
  const countText = inputs.shardCount === undefined ? undefined : String(inputs.shardCount);
  const count =
    countText === undefined
      ? undefined
      : checkCount(wholeNumber(countText), countText, names.shardCount);
  if (inputs.shard !== undefined) {
    const shard = parseShard(inputs.shard, names.shard);
    if (count !== undefined && count !== shard.count) {
      throw new InvalidArgumentError(
        `${names.shard} ${inputs.shard} and ${names.shardCount} ${count} disagree on the number of shards`,
        { hint: `Pass one of them, or make N of ${names.shard} equal ${names.shardCount}.` },
      );
    }
    return shard;
  }
  if (count === undefined) return undefined;
  const env = inputs.env ?? {};
  for (const variable of SHARD_INDEX_VARIABLES) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    const index = wholeNumber(value);
    if (index === undefined || index >= count) {
      throw new InvalidArgumentError(
        `${variable}=${JSON.stringify(value)} is not a shard index from 0 to ${count - 1} (${names.shardCount} ${count})`,
        { hint: `Make ${names.shardCount} the size of the job array (the Job's completions).` },
      );
    }
    return { index, count };
  }
  throw new InvalidArgumentError(
    `${names.shardCount} ${count} was given, but no shard index: none of ${SHARD_INDEX_VARIABLES.join(", ")} is set`,
    {
      hint: `Pass ${names.shard} K/N instead, or run as an AWS Batch array job or a Kubernetes indexed Job.`,
    },
  );
}

const utf8 = new TextEncoder();

/**
 * The shard (0 to `count` - 1) a key belongs to: the first 8 bytes of the SHA-256 of its UTF-8
 * bytes, read as a big-endian unsigned 64-bit number, modulo `count`. Stable across runs,
 * machines and versions: the same key always lands in the same shard of N.
 *
 * @example
 * ```ts
 * shardIndexOf(createSha256Hasher(), "app/v1.zip", 4); // 0, 1, 2 or 3, always the same
 * ```
 */
export function shardIndexOf(hasher: Hasher, key: string, count: number): number {
  if (count === 1) return 0;
  const hash = hasher.sha256();
  hash.update(utf8.encode(key));
  const first8 = BigInt(`0x${hash.digestHex().slice(0, 16)}`);
  return Number(first8 % BigInt(count));
}

/** Tells the keys of one shard from the others'. */
export interface ShardSelector {
  readonly shard: Shard;
  /** Whether this shard takes `key` (a key relative to the work's source, as documented). */
  includes(key: string): boolean;
}

/**
 * A selector for one shard: of N selectors `0/N` … `N-1/N`, exactly one includes any key.
 *
 * @example
 * ```ts
 * const mine = shardSelector({ index: 1, count: 4 }, hasher);
 * keys.filter((k) => mine.includes(k));
 * ```
 */
export function shardSelector(shard: Shard, hasher: Hasher): ShardSelector {
  return {
    shard,
    includes: (key) => shardIndexOf(hasher, key, shard.count) === shard.index,
  };
}

/** `K/N`, as the flag takes it. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
