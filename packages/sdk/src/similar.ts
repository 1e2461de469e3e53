import { basename } from "node:path";
import { InvalidArgumentError, mapLimit } from "@dg/core";
import type { LogicalListedObject } from "@dg/core";
import { type ClientContext, signalOption } from "./context.js";
import { fileBody } from "./file-body.js";
import type { FindSimilarFilesOptions, SimilarFile, SimilarFileQuery } from "./simple-types.js";

/** Suffixes that are one extension although they hold a dot. */
const COMPOUND_EXTENSIONS = [".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz4"];

const WEIGHTS = { name: 0.5, extension: 0.2, size: 0.3 } as const;

/** A file name cut into what similarity compares. */
interface NameParts {
  /** Lower-case extension with its dot (`.tar.gz`, `.zip`), `""` when none. */
  readonly extension: string;
  /** The stem with every run of digits replaced by `0`: `app-1.12.3` → `app-0.0.0`. */
  readonly shape: string;
  /** The stem's numbers in order (the version, usually). */
  readonly numbers: readonly number[];
}

function partsOf(name: string): NameParts {
  const lower = name.toLowerCase();
  const compound = COMPOUND_EXTENSIONS.find((ext) => lower.endsWith(ext) && lower !== ext);
  const dot = lower.lastIndexOf(".");
  const extension = compound ?? (dot > 0 ? lower.slice(dot) : "");
  const stem = lower.slice(0, lower.length - extension.length);
  return {
    extension,
    shape: stem.replace(/\d+/g, "0"),
    numbers: (stem.match(/\d+/g) ?? []).map(Number),
  };
}

/** Dice coefficient of the character bigrams of two strings (1: the same, 0: nothing shared). */
function bigramDice(a: string, b: string): number {
  if (a === b) return 1;
  const grams = (text: string) => {
    const padded = ` ${text} `;
    const counts = new Map<string, number>();
    for (let i = 0; i < padded.length - 1; i++) {
      const gram = padded.slice(i, i + 2);
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
    return counts;
  };
  const left = grams(a);
  const right = grams(b);
  let shared = 0;
  let total = 0;
  for (const [gram, count] of left) {
    shared += Math.min(count, right.get(gram) ?? 0);
    total += count;
  }
  for (const count of right.values()) total += count;
  return total === 0 ? 0 : (2 * shared) / total;
}

/** How near two version number lists are: 1 when equal, less the earlier and wider they differ. */
function versionCloseness(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined || y === undefined) return 0.5;
    // A difference in the first number (a major version) counts more than in a later one.
    const weight = 1 / (i + 1);
    return 1 - weight * (Math.abs(x - y) / (Math.abs(x - y) + 1));
  }
  return 1;
}

/** The parts of a similarity estimate, each from 0 to 1. */
export interface SimilarityScores {
  /** The stems once version numbers are set aside, then how near the versions are. */
  readonly name: number;
  /** 1 for the same extension, 0.5 for the same last suffix (`.tar.gz` and `.gz`). */
  readonly extension: number;
  /** Smaller size over larger; absent when the query has no size. */
  readonly size?: number;
}

/**
 * Estimate how alike a stored file is to the one described, from names and sizes: the weighted
 * mean of {@link SimilarityScores} (name 0.5, extension 0.2, size 0.3; without a size the
 * other two are scaled up to make 1).
 *
 * @example
 * ```ts
 * similarityOf({ name: "app-1.3.zip", size: 10_000 }, { name: "app-1.2.zip", size: 9_800 });
 * ```
 */
export function similarityOf(
  query: { readonly name: string; readonly size?: number },
  candidate: { readonly name: string; readonly size: number },
): { readonly similarity: number; readonly scores: SimilarityScores } {
  const q = partsOf(query.name);
  const c = partsOf(candidate.name);
  const name = 0.85 * bigramDice(q.shape, c.shape) + 0.15 * versionCloseness(q.numbers, c.numbers);
  const extension =
    q.extension === c.extension
      ? 1
      : q.extension !== "" && q.extension.split(".").at(-1) === c.extension.split(".").at(-1)
        ? 0.5
        : 0;
  if (query.size === undefined) {
    const similarity =
      (WEIGHTS.name * name + WEIGHTS.extension * extension) / (WEIGHTS.name + WEIGHTS.extension);
    return { similarity, scores: { name, extension } };
  }
  const larger = Math.max(query.size, candidate.size);
  const size = larger === 0 ? 1 : Math.min(query.size, candidate.size) / larger;
  const similarity = WEIGHTS.name * name + WEIGHTS.extension * extension + WEIGHTS.size * size;
  return { similarity, scores: { name, extension, size } };
}

const DEFAULT_LIMIT = 5;
const DEFAULT_MIN_SIMILARITY = 0.5;

/** The name and size of what is being compared: a local file (stat-ed) or a description. */
async function queryOf(file: SimilarFileQuery): Promise<{ name: string; size?: number }> {
  if (typeof file !== "string") {
    if (file.name === "" || file.name.includes("/")) {
      throw new InvalidArgumentError(`Not a file name: ${JSON.stringify(file.name)}`, {
        hint: "Give the file's name without folders, e.g. app-1.3.zip.",
      });
    }
    return { name: file.name, ...(file.size === undefined ? {} : { size: file.size }) };
  }
  const body = await fileBody(file);
  return { name: basename(file), ...(body.size === undefined ? {} : { size: body.size }) };
}

/**
 * The stored files under a prefix that most resemble `file`, best first. The listing is read
 * without metadata, names rank every candidate, and only the best few (four times `limit`)
 * are looked up for their original sizes (one HEAD per delta) before the final ranking.
 */
export async function findSimilarFiles(
  ctx: ClientContext,
  bucket: string,
  prefix: string,
  file: SimilarFileQuery,
  options: FindSimilarFilesOptions = {},
): Promise<readonly SimilarFile[]> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const minSimilarity = options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`Invalid limit: ${limit}`, { hint: "Give a whole number ≥ 1." });
  }
  if (!(minSimilarity >= 0 && minSimilarity <= 1)) {
    throw new InvalidArgumentError(`Invalid minSimilarity: ${minSimilarity}`, {
      hint: "Give a number from 0 to 1.",
    });
  }
  const query = await queryOf(file);
  const opOptions = signalOption(options.signal);
  const candidates: { object: LogicalListedObject; nameScore: number }[] = [];
  for await (const object of ctx.service.listAll(bucket, {
    ...opOptions,
    ...(prefix === "" ? {} : { prefix }),
    ...(options.recursive === false ? { delimiter: "/" } : {}),
    originalSizes: false,
  })) {
    const name = object.key.slice(object.key.lastIndexOf("/") + 1);
    const { similarity } = similarityOf({ name: query.name }, { name, size: object.size });
    candidates.push({ object, nameScore: similarity });
  }
  candidates.sort(
    (a, b) =>
      b.nameScore - a.nameScore ||
      b.object.lastModified.getTime() - a.object.lastModified.getTime(),
  );
  const shortlist = candidates.slice(0, limit * 4);
  const ranked = await mapLimit(shortlist, ctx.config.metadataConcurrency, async ({ object }) => {
    const size = object.isDelta
      ? (await ctx.service.head(bucket, object.key, opOptions)).size
      : object.size;
    const name = object.key.slice(object.key.lastIndexOf("/") + 1);
    const { similarity, scores } = similarityOf(query, { name, size });
    return {
      key: object.key,
      size,
      storedSize: object.storedSize,
      isDelta: object.isDelta,
      lastModified: object.lastModified,
      similarity,
      scores,
    } satisfies SimilarFile;
  });
  return ranked
    .filter((found) => found.similarity >= minSimilarity)
    .sort(
      (a, b) => b.similarity - a.similarity || b.lastModified.getTime() - a.lastModified.getTime(),
    )
    .slice(0, limit);
}
