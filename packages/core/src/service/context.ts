import { validateMaxRatio, DEFAULT_DELTA_EXTENSIONS, DEFAULT_MAX_RATIO } from "../domain/policy.js";
import {
  DEFAULT_MAX_REFERENCES,
  DEFAULT_NEW_REFERENCE_RATIO,
  validateMaxReferences,
  validateNewReferenceRatio,
} from "../domain/reference-choice.js";
import { toolName } from "../domain/metadata.js";
import { hasCode, IntegrityError, NotFoundError } from "../errors.js";
import type { OperationOptions, RandomAccessSource } from "../ports/index.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import { createFactsIndex } from "./facts-index.js";
import type { DeltaServiceOptions } from "./types.js";

/** The service's options with every default filled in. */
export interface ServiceContext extends Required<Omit<DeltaServiceOptions, "clock" | "logger">> {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tool: string;
}

export function contextFrom(options: DeltaServiceOptions): ServiceContext {
  return {
    ...options,
    clock: options.clock ?? { now: () => new Date() },
    logger: options.logger ?? { log() {} },
    maxRatio: validateMaxRatio(options.maxRatio ?? DEFAULT_MAX_RATIO),
    deltaExtensions: options.deltaExtensions ?? DEFAULT_DELTA_EXTENSIONS,
    metadataConcurrency: options.metadataConcurrency ?? 64,
    newReferenceRatio: validateNewReferenceRatio(
      options.newReferenceRatio ?? DEFAULT_NEW_REFERENCE_RATIO,
    ),
    maxReferences: validateMaxReferences(options.maxReferences ?? DEFAULT_MAX_REFERENCES),
    tool: toolName(options.toolVersion),
    factsIndex:
      options.factsIndex ??
      createFactsIndex({
        store: options.store,
        hasher: options.hasher,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      }),
  };
}

/**
 * A deltaspace's reference, by position: from the local cache when it is there, otherwise
 * downloaded once into the cache (which checks its SHA-256). The caller closes it.
 */
export async function loadReference(
  ctx: ServiceContext,
  bucket: string,
  referenceKey: string,
  sha256: string,
  options?: OperationOptions,
): Promise<RandomAccessSource> {
  const cached = await ctx.cache.get(sha256, options);
  if (cached) return cached;
  let body: Awaited<ReturnType<typeof ctx.store.getObject>>["body"];
  try {
    body = (await ctx.store.getObject(bucket, referenceKey, options)).body;
  } catch (error) {
    if (hasCode(error, "NOT_FOUND")) {
      throw new NotFoundError(`Reference missing: s3://${bucket}/${referenceKey}`, {
        hint: "The deltaspace's reference.bin was deleted, so its deltas cannot be rebuilt.",
        cause: error,
      });
    }
    throw error;
  }
  try {
    return await ctx.cache.put(sha256, body, options);
  } catch (error) {
    if (hasCode(error, "INTEGRITY")) {
      throw new IntegrityError(
        `Reference SHA-256 mismatch: s3://${bucket}/${referenceKey} is not the reference (${sha256}) this object was encoded against`,
        {
          hint: "The reference was replaced or damaged; the deltas made against it cannot be rebuilt.",
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Run `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
