import { throwIfAborted } from "../errors.js";
import type { Clock } from "../ports/clock.js";
import type { Hasher } from "../ports/hasher.js";
import type { Logger } from "../ports/logger.js";
import type { ListedObject, ObjectStore } from "../ports/object-store.js";
import { createFactsIndex, type FactsIndex } from "../service/facts-index.js";
import type { BucketMaintenanceOptions } from "./types.js";

/** The maintenance options with every default filled in. */
export interface MaintenanceContext {
  readonly store: ObjectStore;
  readonly hasher: Hasher;
  readonly service: BucketMaintenanceOptions["service"];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metadataConcurrency: number;
  readonly deltaExtensions: readonly string[] | undefined;
  readonly factsIndex: FactsIndex | false;
}

export function maintenanceContext(options: BucketMaintenanceOptions): MaintenanceContext {
  return {
    store: options.store,
    hasher: options.hasher,
    service: options.service,
    clock: options.clock ?? { now: () => new Date() },
    logger: options.logger ?? { log() {} },
    metadataConcurrency: options.metadataConcurrency ?? 64,
    deltaExtensions: options.deltaExtensions,
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

/** `{ signal }` when there is one, for the store's option objects. */
export function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/**
 * Every stored object under `prefix` (`""`: the whole bucket), raw (references, deltas and
 * `.deltaglider/` included), one page (up to 1,000) at a time, following continuation tokens
 * to the end. With `delimiter: "/"`, only the prefix's own level (no sub-folders).
 *
 * @example
 * ```ts
 * for await (const page of listStoredPages(store, "releases", "app/", signal)) count += page.length;
 * ```
 */
export async function* listStoredPages(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  signal: AbortSignal | undefined,
  options: { readonly delimiter?: string } = {},
): AsyncGenerator<readonly ListedObject[]> {
  let token: string | undefined;
  do {
    throwIfAborted(signal);
    const page = await store.listObjects(bucket, {
      ...signalOption(signal),
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
      ...(prefix === "" ? {} : { prefix }),
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    yield page.objects;
    token = page.nextContinuationToken;
  } while (token !== undefined);
}
