import { hasCode } from "../errors.js";
import type { RandomAccessSource } from "../ports/index.js";
import type { ServiceContext } from "./context.js";

/** A reference source that records whether one of its reads failed its integrity check. */
export interface WatchedReference {
  readonly source: RandomAccessSource;
  /** True once a read of the local copy was refused as corrupt (`IntegrityError`). */
  corrupt(): boolean;
}

/**
 * Watch the reads of a cached reference: a cache checks each piece when it is read, so a
 * tampered or damaged entry shows up in the middle of an encode or a decode, whatever error
 * the codec then turns it into.
 */
export function watchReference(source: RandomAccessSource): WatchedReference {
  let corrupt = false;
  const watch = <T>(read: Promise<T>): Promise<T> =>
    read.catch((error: unknown) => {
      if (hasCode(error, "INTEGRITY")) corrupt = true;
      throw error;
    });
  const { readInto } = source;
  const watched: RandomAccessSource = {
    size: source.size,
    ...(source.path === undefined ? {} : { path: source.path }),
    read: (position, length) => watch(source.read(position, length)),
    ...(readInto === undefined
      ? {}
      : {
          readInto: (position: number, into: Uint8Array, offset: number, length: number) =>
            watch(readInto.call(source, position, into, offset, length)),
        }),
    close: () => source.close(),
  };
  return { source: watched, corrupt: () => corrupt };
}

/**
 * Run `use` with a deltaspace's reference from `open` (the cache, or a download into it). When
 * a read of the cached copy fails its integrity check, the entry is deleted, the reference is
 * fetched again and `use` runs once more, in the same operation; only a second failure is an
 * error. `use` must be repeatable (its output not yet handed on).
 */
export async function withReference<T>(
  ctx: ServiceContext,
  sha256: string,
  open: () => Promise<RandomAccessSource>,
  use: (source: RandomAccessSource) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const watched = watchReference(await open());
    try {
      return await use(watched.source);
    } catch (error) {
      if (attempt > 1 || !watched.corrupt()) throw error;
      await forgetCorruptReference(ctx, sha256);
    } finally {
      await watched.source.close();
    }
  }
}

/** Drop a cached reference found corrupt, so that the next load fetches it again. */
export async function forgetCorruptReference(ctx: ServiceContext, sha256: string): Promise<void> {
  ctx.logger.log("warn", "the cached reference failed its integrity check; fetching it again", {
    sha256,
  });
  await ctx.cache.delete(sha256);
}
