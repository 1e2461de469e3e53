import type { ByteStream, RandomAccessSource } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";

/** A part of a composite (a file the archive codec reads) is shorter than recorded. */
const partEndedEarly = () =>
  new IntegrityError("A file read for the archive delta ended early", {
    hint: "A file changed or was truncated while it was read; try again.",
  });

/** A byte range of a source, as one part of a composite. */
export interface Extent {
  readonly source: RandomAccessSource;
  readonly offset: number;
  readonly length: number;
}

/** Appends extents, merging one that continues the previous one in the same source. */
export function pushExtent(extents: Extent[], extent: Extent): void {
  if (extent.length === 0) return;
  const last = extents[extents.length - 1];
  if (last !== undefined && last.source === extent.source) {
    if (last.offset + last.length === extent.offset) {
      extents[extents.length - 1] = { ...last, length: last.length + extent.length };
      return;
    }
  }
  extents.push(extent);
}

/**
 * The concatenation of `extents` as a source read by position, without copying anything:
 * an expanded form made of a file's raw runs and the inflated streams written elsewhere.
 * Closing it closes none of the underlying sources.
 *
 * @example
 * ```ts
 * const expanded = createCompositeSource([
 *   { source: reference, offset: 0, length: 30 },
 *   { source: inflated, offset: 0, length: 4096 },
 * ]);
 * ```
 */
export function createCompositeSource(extents: readonly Extent[]): RandomAccessSource {
  const starts: number[] = [];
  let size = 0;
  for (const e of extents) {
    starts.push(size);
    size += e.length;
  }
  /** Index of the extent holding `position` (binary search). */
  const find = (position: number): number => {
    let lo = 0;
    let hi = extents.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    size,
    async read(position: number, length: number): Promise<Uint8Array> {
      const end = Math.min(size, position + Math.max(0, length));
      if (position >= end) return new Uint8Array(0);
      let index = find(position);
      const first = extents[index] as Extent;
      const firstStart = starts[index] as number;
      if (end <= firstStart + first.length) {
        return first.source.read(first.offset + position - firstStart, end - position);
      }
      const out = new Uint8Array(end - position);
      let at = position;
      while (at < end) {
        const extent = extents[index] as Extent;
        const start = starts[index] as number;
        const n = Math.min(end, start + extent.length) - at;
        const bytes = await extent.source.read(extent.offset + at - start, n);
        if (bytes.length !== n) throw partEndedEarly();
        out.set(bytes, at - position);
        at += n;
        index++;
      }
      return out;
    },
    close: async () => undefined,
  };
}

const CHUNK = 1024 * 1024;

/**
 * Stream `extents` in order (chunks are copies the consumer may keep).
 *
 * @example
 * ```ts
 * for await (const chunk of extentStream(extents)) hash.update(chunk);
 * ```
 */
export async function* extentStream(extents: readonly Extent[], signal?: AbortSignal): ByteStream {
  for (const { source, offset, length } of extents) {
    let at = 0;
    while (at < length) {
      throwIfAborted(signal);
      const n = Math.min(CHUNK, length - at);
      // A copy (a Buffer's slice would be a view of memory the source may reuse).
      const bytes = new Uint8Array(await source.read(offset + at, n));
      if (bytes.length !== n) throw partEndedEarly();
      at += n;
      yield bytes;
    }
  }
}
