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

interface DeltaEntry {
  readonly object: ListedObject;
  originalSize?: number;
  refSha256?: string;
}

interface Space {
  readonly deltas: DeltaEntry[];
  readonly direct: ListedObject[];
  /** Its `reference.bin`. */
  reference?: ListedObject;
  /** Its extra references (under `.dg-refs/`). */
  readonly extraReferences: ListedObject[];
  /** SHA-256 of every reference (detailed mode). */
  readonly referenceSha256s: Set<string>;
}

/**
 * Storage figures of a bucket (or of a prefix), per deltaspace and in total.
 *
 * - `quick`: one listing, plus a HEAD of every delta for its original size.
 * - `sampled`: one listing, plus HEADs of up to 8 deltas per deltaspace; the other deltas are
 *   given the sampled deltas' mean original size (versions of one release are close in size).
 * - `detailed`: HEADs of every delta and every reference; deltas whose reference is missing or
 *   is not the one they were encoded against are counted as broken.
 */
export async function bucketStats(
  ctx: MaintenanceContext,
  bucket: string,
  options: BucketStatsOptions = {},
): Promise<BucketStats> {
  const mode: StatsMode = options.mode ?? "quick";
  const prefix = options.prefix ?? "";
  const opOptions = signalOption(options.signal);
  const spaces = new Map<string, Space>();
  const spaceOf = (key: string): Space => {
    const name = owningDeltaspaceOf(key);
    let space = spaces.get(name);
    if (!space) {
      space = { deltas: [], direct: [], extraReferences: [], referenceSha256s: new Set() };
      spaces.set(name, space);
    }
    return space;
  };

  const add = (object: ListedObject) => {
    if (object.key.startsWith(INTERNAL_PREFIX)) return;
    const space = spaceOf(object.key);
    if (isReferenceKey(object.key)) {
      if (object.key === referenceKeyFor(owningDeltaspaceOf(object.key))) space.reference = object;
      else space.extraReferences.push(object);
    } else if (object.key.endsWith(DELTA_SUFFIX)) space.deltas.push({ object });
    else space.direct.push(object);
  };
  if (options.listed) {
    for (const object of options.listed) add(object);
  } else {
    let seen = 0;
    for await (const page of listStoredPages(ctx.store, bucket, prefix, options.signal)) {
      for (const object of page) add(object);
      seen += page.length;
      options.onListProgress?.(seen);
    }
  }

  const toHead: DeltaEntry[] = [];
  for (const space of spaces.values()) {
    toHead.push(...(mode === "sampled" ? sampleOf(space.deltas) : space.deltas));
  }
  await mapLimit(toHead, ctx.metadataConcurrency, async (entry) => {
    const head = await ctx.store.headObject(bucket, entry.object.key, opOptions);
    if (!head) return; // deleted since the listing
    const size = readField(head.metadata, "fileSize");
    if (size !== undefined && /^\d+$/.test(size)) entry.originalSize = Number(size);
    const refSha = readField(head.metadata, "refSha256");
    if (refSha !== undefined) entry.refSha256 = refSha.toLowerCase();
  });
  if (mode === "detailed") {
    const references = [...spaces.values()].flatMap((space) =>
      [space.reference, ...space.extraReferences]
        .filter((r) => r !== undefined)
        .map((r) => ({ space, key: r.key })),
    );
    await mapLimit(references, ctx.metadataConcurrency, async ({ space, key }) => {
      const head = await ctx.store.headObject(bucket, key, opOptions);
      const sha = head ? readField(head.metadata, "fileSha256") : undefined;
      if (sha !== undefined) space.referenceSha256s.add(sha.toLowerCase());
    });
  }

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

/** Up to {@link SAMPLE_PER_DELTASPACE} deltas spread evenly over the deltaspace's listing. */
function sampleOf(deltas: readonly DeltaEntry[]): DeltaEntry[] {
  if (deltas.length <= SAMPLE_PER_DELTASPACE) return [...deltas];
  const step = deltas.length / SAMPLE_PER_DELTASPACE;
  return Array.from(
    { length: SAMPLE_PER_DELTASPACE },
    (_, i) => deltas[Math.floor(i * step)] as DeltaEntry,
  );
}

function figuresOf(name: string, space: Space, mode: StatsMode): DeltaspaceStats {
  const known = space.deltas.filter((d) => d.originalSize !== undefined);
  const knownTotal = known.reduce((sum, d) => sum + (d.originalSize ?? 0), 0);
  // Deltas without a recorded size: the mean of the known ones, else (nothing known) their
  // stored size, which is the least they can stand for.
  const mean = known.length > 0 ? knownTotal / known.length : undefined;
  let deltaOriginal = 0;
  let estimatedDeltas = 0;
  for (const d of space.deltas) {
    if (d.originalSize !== undefined) deltaOriginal += d.originalSize;
    else {
      deltaOriginal += mean === undefined ? d.object.size : Math.round(mean);
      estimatedDeltas++;
    }
  }
  const brokenDeltas =
    mode === "detailed"
      ? space.deltas.filter(
          (d) => d.refSha256 === undefined || !space.referenceSha256s.has(d.refSha256),
        ).length
      : 0;
  const deltaBytes = sum(space.deltas.map((d) => d.object.size));
  const directBytes = sum(space.direct.map((o) => o.size));
  const referenceBytes =
    (space.reference?.size ?? 0) + sum(space.extraReferences.map((r) => r.size));
  const originalBytes = deltaOriginal + directBytes;
  const storedBytes = deltaBytes + directBytes + referenceBytes;
  return {
    deltaspace: name,
    objectCount: space.deltas.length + space.direct.length,
    deltaObjects: space.deltas.length,
    directObjects: space.direct.length,
    referenceObjects: (space.reference ? 1 : 0) + space.extraReferences.length,
    originalBytes,
    storedBytes,
    deltaBytes,
    referenceBytes,
    directBytes,
    ...savings(originalBytes, storedBytes),
    estimatedDeltas,
    brokenDeltas,
    orphanedReference:
      (space.reference !== undefined || space.extraReferences.length > 0) &&
      space.deltas.length === 0,
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
