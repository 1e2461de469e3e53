import {
  DELTA_SUFFIX,
  isReferenceKey,
  owningDeltaspaceOf,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import { INTERNAL_PREFIX } from "../domain/internal-folder.js";
import { readField } from "../domain/metadata.js";
import type { ListedObject } from "../ports/object-store.js";
import { mapLimit } from "../service/context.js";
import { type FolderFacts, factsOfHead, type ObjectFacts } from "../service/facts-index.js";
import { createBoundedPool, readAhead } from "../util/pipeline.js";
import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import type {
  BucketStats,
  BucketStatsOptions,
  DeltaspaceStats,
  StatsMode,
  StorageFigures,
} from "./types.js";

/** Deltas HEADed per deltaspace in `sampled` mode. */
export const SAMPLE_PER_DELTASPACE = 8;

/**
 * Up to twice {@link SAMPLE_PER_DELTASPACE} deltas spread evenly over a deltaspace's listing,
 * kept as the listing streams by: every `stride`-th delta, and when too many are kept, every
 * other one of them with the stride doubled. Bounded whatever the folder's size.
 */
interface SpreadSample {
  kept: SampledDelta[];
  stride: number;
  seen: number;
}

type SampledDelta = ListedObject;

/** What stats read of a delta (or a reference, `detailed`): from the index or a HEAD. */
interface DeltaFacts {
  readonly size: number;
  readonly sha256: string | undefined;
  readonly ref: string | undefined;
  /** Whether `size` is the original file's (else the stored size stands in for it). */
  readonly sized: boolean;
}

/** One deltaspace's running figures: numbers, never the objects themselves. */
interface SpaceTally {
  deltas: number;
  deltaBytes: number;
  /** Deltas whose original size was read, their original and stored bytes. */
  known: number;
  knownOriginal: number;
  knownStored: number;
  direct: number;
  directBytes: number;
  /** Its `reference.bin`: size and date. */
  reference?: { readonly key: string; readonly size: number; readonly lastModified: Date };
  extraReferences: number;
  extraReferenceBytes: number;
  /** Its references as listed, for the `detailed` check (a folder holds at most a few). */
  readonly references: ListedObject[];
  /** `detailed`: deltas per `dg-ref-sha256` they name (`""`: none, or gone since the listing). */
  readonly deltasByReferenceSha: Map<string, number>;
  /** SHA-256 of every reference (`detailed`). */
  readonly referenceSha256s: Set<string>;
  readonly sample: SpreadSample;
}

function newTally(): SpaceTally {
  return {
    deltas: 0,
    deltaBytes: 0,
    known: 0,
    knownOriginal: 0,
    knownStored: 0,
    direct: 0,
    directBytes: 0,
    extraReferences: 0,
    extraReferenceBytes: 0,
    references: [],
    deltasByReferenceSha: new Map(),
    referenceSha256s: new Set(),
    sample: { kept: [], stride: 1, seen: 0 },
  };
}

/** What stats read of a listing as it streams, besides the figures (the stats cache's hook). */
export interface StatsListingHooks {
  /** Each raw page, before it is tallied. */
  readonly onPage?: (objects: readonly ListedObject[]) => void;
}

/**
 * Storage figures of a bucket (or of a prefix), per deltaspace and in total, computed as the
 * listing streams: what is held is a running tally per deltaspace and a bounded window of
 * HEADs in flight (`metadataConcurrency`), never the listing itself.
 *
 * - `quick`: one listing, plus a HEAD of every delta for its original size.
 * - `sampled`: one listing, plus HEADs of up to 8 deltas per deltaspace spread over its
 *   listing; the other deltas are given the sampled deltas' mean original size (versions of
 *   one release are close in size).
 * - `detailed`: HEADs of every delta and every reference; deltas whose reference is missing or
 *   is not the one they were encoded against are counted as broken.
 */
export async function bucketStats(
  ctx: MaintenanceContext,
  bucket: string,
  options: BucketStatsOptions = {},
  hooks: StatsListingHooks = {},
): Promise<BucketStats> {
  const mode: StatsMode = options.mode ?? "quick";
  const prefix = options.prefix ?? "";
  const opOptions = signalOption(options.signal);
  const spaces = new Map<string, SpaceTally>();
  const spaceOf = (key: string): SpaceTally => {
    const name = owningDeltaspaceOf(key);
    let space = spaces.get(name);
    if (!space) {
      space = newTally();
      spaces.set(name, space);
    }
    return space;
  };
  const pool = createBoundedPool(ctx.metadataConcurrency);

  const facts = ctx.factsIndex === false ? undefined : ctx.factsIndex;
  /** What the index knows of a stored object, as the tally needs it. */
  const fromRecorded = (recorded: ObjectFacts): DeltaFacts => ({
    size: recorded.size,
    sha256: recorded.sha256,
    ref: recorded.refSha256,
    // deltaglider's own objects always carry their original size.
    sized: recorded.kind !== "foreign",
  });
  /** What a stored object is: from the facts index when it matches, else a HEAD (recorded). */
  const factsOf = async (object: ListedObject): Promise<DeltaFacts | undefined> => {
    const recorded = await facts?.lookup(bucket, object, opOptions);
    if (recorded) return fromRecorded(recorded);
    const head = await ctx.store.headObject(bucket, object.key, opOptions);
    if (!head) return undefined; // deleted since the listing
    const fromHead = factsOfHead(head);
    if (fromHead) facts?.record(bucket, fromHead);
    const size = readField(head.metadata, "fileSize");
    const sized = size !== undefined && /^\d+$/.test(size);
    return {
      size: sized ? Number(size) : head.size,
      sha256: readField(head.metadata, "fileSha256")?.toLowerCase(),
      ref: readField(head.metadata, "refSha256")?.toLowerCase(),
      sized,
    };
  };

  const tallyDelta = (space: SpaceTally, object: ListedObject, known: DeltaFacts | undefined) => {
    if (known?.sized) {
      space.known += 1;
      space.knownOriginal += known.size;
      space.knownStored += object.size;
    }
    if (mode === "detailed") {
      const refSha = known?.ref ?? "";
      space.deltasByReferenceSha.set(refSha, (space.deltasByReferenceSha.get(refSha) ?? 0) + 1);
    }
  };
  const headDelta = async (space: SpaceTally, object: ListedObject) => {
    tallyDelta(space, object, await factsOf(object));
  };

  /**
   * Tally one listed object. `folders`: the index's entries of the page's folders, read once
   * per page; a delta they know is tallied at once, any other goes to the pool of HEADs (the
   * promise returned then resolves once the pool took it).
   */
  const add = (
    object: ListedObject,
    folders?: ReadonlyMap<string, FolderFacts>,
  ): Promise<void> | undefined => {
    if (object.key.startsWith(INTERNAL_PREFIX)) return;
    const space = spaceOf(object.key);
    if (isReferenceKey(object.key)) {
      if (object.key === referenceKeyFor(owningDeltaspaceOf(object.key))) {
        space.reference = { key: object.key, size: object.size, lastModified: object.lastModified };
      } else {
        space.extraReferences += 1;
        space.extraReferenceBytes += object.size;
      }
      space.references.push(object);
    } else if (object.key.endsWith(DELTA_SUFFIX)) {
      space.deltas += 1;
      space.deltaBytes += object.size;
      if (mode === "sampled") {
        keepInSample(space.sample, object);
        return;
      }
      const recorded = folders?.get(owningDeltaspaceOf(object.key))?.match(object);
      if (!recorded) return pool.submit(() => headDelta(space, object));
      tallyDelta(space, object, fromRecorded(recorded));
    } else {
      space.direct += 1;
      space.directBytes += object.size;
    }
  };
  /** The index's entries of the folders of a page's deltas, `metadataConcurrency` at once. */
  const foldersOf = async (page: readonly ListedObject[]) => {
    const folders = new Map<string, FolderFacts>();
    if (!facts || mode === "sampled") return folders;
    const names = new Set<string>();
    for (const object of page) {
      if (object.etag !== undefined && object.key.endsWith(DELTA_SUFFIX)) {
        names.add(owningDeltaspaceOf(object.key));
      }
    }
    await mapLimit([...names], ctx.metadataConcurrency, async (name) => {
      folders.set(name, await facts.folder(bucket, name, opOptions));
    });
    return folders;
  };
  if (options.listed) {
    hooks.onPage?.(options.listed);
    for (const object of options.listed) await add(object);
  } else {
    let seen = 0;
    // Each page's folders are read from the index as soon as it is listed (one page ahead).
    async function* preloaded(pages: AsyncIterable<readonly ListedObject[]>) {
      for await (const page of pages) {
        if (mode !== "sampled") facts?.preload(bucket, page, opOptions);
        yield page;
      }
    }
    for await (const page of readAhead(
      preloaded(listStoredPages(ctx.store, bucket, prefix, options.signal)),
    )) {
      hooks.onPage?.(page);
      const folders = await foldersOf(page);
      for (const object of page) {
        const queued = add(object, folders);
        if (queued) await queued;
      }
      seen += page.length;
      options.onListProgress?.(seen);
    }
  }
  if (mode === "sampled") {
    for (const space of spaces.values()) {
      for (const object of chosenSample(space.sample)) {
        await pool.submit(() => headDelta(space, object));
      }
    }
  }
  if (mode === "detailed") {
    for (const space of spaces.values()) {
      for (const reference of space.references) {
        await pool.submit(async () => {
          const sha = (await factsOf(reference))?.sha256;
          if (sha !== undefined) space.referenceSha256s.add(sha);
        });
      }
    }
  }
  await pool.drain();
  // What the HEADs taught goes to the index (one write per folder); never fails the stats.
  await facts?.flush(opOptions);

  const deltaspaces = [...spaces.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, space]) => figuresOf(name, space, mode));
  const totals = sumFigures(deltaspaces);
  return {
    bucket,
    prefix,
    mode,
    ...totals,
    estimated: totals.estimatedDeltas > 0,
    deltaspaces,
    orphanedReferences: deltaspaces
      .filter((s) => s.orphanedReference)
      .map((s) => referenceKeyFor(s.deltaspace)),
  };
}

function keepInSample(sample: SpreadSample, object: ListedObject): void {
  const position = sample.seen;
  sample.seen += 1;
  if (position % sample.stride !== 0) return;
  sample.kept.push(object);
  if (sample.kept.length > 2 * SAMPLE_PER_DELTASPACE) {
    // Keep every other one (positions 0, 2·stride, 4·stride…) and take every 2·stride-th next.
    sample.kept = sample.kept.filter((_, i) => i % 2 === 0);
    sample.stride *= 2;
  }
}

/** Up to {@link SAMPLE_PER_DELTASPACE} of the kept deltas, spread evenly over them. */
function chosenSample(sample: SpreadSample): readonly SampledDelta[] {
  const { kept } = sample;
  if (kept.length <= SAMPLE_PER_DELTASPACE) return kept;
  return Array.from(
    { length: SAMPLE_PER_DELTASPACE },
    (_, i) => kept[Math.floor((i * kept.length) / SAMPLE_PER_DELTASPACE)] as SampledDelta,
  );
}

function figuresOf(name: string, space: SpaceTally, mode: StatsMode): DeltaspaceStats {
  // Deltas without a recorded size: the mean of the known ones, else (nothing known) their
  // stored size, which is the least they can stand for.
  const unknown = space.deltas - space.known;
  const unknownStored = space.deltaBytes - space.knownStored;
  const deltaOriginal =
    space.knownOriginal +
    (space.known > 0 ? Math.round(space.knownOriginal / space.known) * unknown : unknownStored);
  let brokenDeltas = 0;
  if (mode === "detailed") {
    for (const [sha, count] of space.deltasByReferenceSha) {
      if (sha === "" || !space.referenceSha256s.has(sha)) brokenDeltas += count;
    }
  }
  const referenceBytes = (space.reference?.size ?? 0) + space.extraReferenceBytes;
  const originalBytes = deltaOriginal + space.directBytes;
  const storedBytes = space.deltaBytes + space.directBytes + referenceBytes;
  return {
    deltaspace: name,
    objectCount: space.deltas + space.direct,
    deltaObjects: space.deltas,
    directObjects: space.direct,
    referenceObjects: (space.reference ? 1 : 0) + space.extraReferences,
    originalBytes,
    storedBytes,
    deltaBytes: space.deltaBytes,
    referenceBytes,
    directBytes: space.directBytes,
    ...savings(originalBytes, storedBytes),
    estimatedDeltas: unknown,
    brokenDeltas,
    orphanedReference:
      (space.reference !== undefined || space.extraReferences > 0) && space.deltas === 0,
    ...(space.reference === undefined
      ? {}
      : { referenceModified: space.reference.lastModified.toISOString() }),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function savings(originalBytes: number, storedBytes: number) {
  const savedBytes = originalBytes - storedBytes;
  return {
    savedBytes,
    savingsPercent: originalBytes === 0 ? 0 : (savedBytes / originalBytes) * 100,
  };
}

function sumFigures(parts: readonly StorageFigures[]): StorageFigures {
  const total = (pick: (f: StorageFigures) => number) => sum(parts.map(pick));
  const originalBytes = total((f) => f.originalBytes);
  const storedBytes = total((f) => f.storedBytes);
  return {
    objectCount: total((f) => f.objectCount),
    deltaObjects: total((f) => f.deltaObjects),
    directObjects: total((f) => f.directObjects),
    referenceObjects: total((f) => f.referenceObjects),
    originalBytes,
    storedBytes,
    deltaBytes: total((f) => f.deltaBytes),
    referenceBytes: total((f) => f.referenceBytes),
    directBytes: total((f) => f.directBytes),
    ...savings(originalBytes, storedBytes),
    estimatedDeltas: total((f) => f.estimatedDeltas),
    brokenDeltas: total((f) => f.brokenDeltas),
  };
}
