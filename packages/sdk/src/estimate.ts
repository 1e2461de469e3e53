import type { ListedObject, RandomAccessSource } from "@dg/core";
import {
  baseName,
  DELTA_SUFFIX,
  deltaspaceOf,
  exceedsMaxRatio,
  isDeltaEligible,
  isInternalKey,
  listStoredPages,
  mapLimit,
  spool,
} from "@dg/core";
import { type ClientContext, signalOption } from "./context.js";
import type {
  CompressionEstimate,
  EstimateOptions,
  FolderEstimate,
  S3Location,
} from "./simple-types.js";
import { locationOf } from "./location.js";

const DEFAULT_SAMPLES = 4;
const DEFAULT_MAX_SAMPLE_BYTES = 512 * 1024 * 1024;
/** Folders measured at the same time (each holds a reference in scratch space). */
const FOLDER_CONCURRENCY = 2;

/**
 * Project what storing a prefix with deltaglider would save, without writing anything.
 *
 * The prefix's objects are grouped by folder (each folder becomes a deltaspace). In each, the
 * first eligible file in key order stands for the reference; up to `samplesPerFolder - 1`
 * other eligible files, spread over the folder, are delta-encoded against it in scratch space
 * with the client's codec, and their stored size is what deltaglider would keep (the delta, or
 * the file itself when the delta exceeds the max ratio). The measured ratio is applied to the
 * folder's other eligible files; ineligible files count at their full size. Objects already
 * stored by deltaglider (`.delta`, `reference.bin`) are left out.
 */
export async function estimateCompression(
  ctx: ClientContext,
  location: S3Location,
  options: EstimateOptions = {},
): Promise<CompressionEstimate> {
  const { bucket, key: prefix } = locationOf(location);
  const folders = new Map<string, ListedObject[]>();
  for await (const page of listStoredPages(ctx.store, bucket, prefix, options.signal)) {
    for (const object of page) {
      if (isInternalKey(object.key) || object.key.endsWith(DELTA_SUFFIX)) continue;
      if (object.key.endsWith("/")) continue; // folder markers
      const folder = deltaspaceOf(object.key);
      const list = folders.get(folder) ?? [];
      list.push(object);
      folders.set(folder, list);
    }
  }

  const samples = Math.max(1, options.samplesPerFolder ?? DEFAULT_SAMPLES);
  const maxSampleBytes = options.maxSampleBytes ?? DEFAULT_MAX_SAMPLE_BYTES;
  const names = [...folders.keys()].sort();
  const results = await mapLimit(names, FOLDER_CONCURRENCY, async (folder) => {
    const estimate = await estimateFolder(
      ctx,
      bucket,
      folder,
      folders.get(folder) ?? [],
      samples,
      maxSampleBytes,
      options.signal,
    );
    options.onFolder?.(estimate);
    return estimate;
  });

  const total = (pick: (f: FolderEstimate) => number) =>
    results.reduce((sum, f) => sum + pick(f), 0);
  const totalBytes = total((f) => f.totalBytes);
  const estimatedStoredBytes = total((f) => f.estimatedStoredBytes);
  return {
    bucket,
    prefix,
    objectCount: total((f) => f.objectCount),
    eligibleObjects: total((f) => f.eligibleObjects),
    totalBytes,
    eligibleBytes: total((f) => f.eligibleBytes),
    sampledObjects: total((f) => f.sampledObjects),
    estimatedStoredBytes,
    estimatedSavedBytes: totalBytes - estimatedStoredBytes,
    estimatedSavingsPercent: percent(totalBytes - estimatedStoredBytes, totalBytes),
    folders: results,
  };
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}

/** Up to `count` items spread evenly over `items`. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)] as T);
}

async function estimateFolder(
  ctx: ClientContext,
  bucket: string,
  folder: string,
  objects: readonly ListedObject[],
  samples: number,
  maxSampleBytes: number,
  signal: AbortSignal | undefined,
): Promise<FolderEstimate> {
  const eligible = objects.filter(
    (o) => o.size > 0 && isDeltaEligible(baseName(o.key), ctx.deltaExtensions),
  );
  const totalBytes = objects.reduce((sum, o) => sum + o.size, 0);
  const eligibleBytes = eligible.reduce((sum, o) => sum + o.size, 0);
  const reference = eligible[0];
  const others = eligible.slice(1);
  let measured: { stored: number; original: number; count: number } | undefined;
  if (reference && reference.size <= maxSampleBytes && others.length > 0) {
    const targets = spread(
      others.filter((o) => o.size <= maxSampleBytes),
      samples - 1,
    );
    if (targets.length > 0) {
      measured = await measure(ctx, bucket, reference, targets, signal);
    }
  }
  const otherBytes = eligibleBytes - (reference?.size ?? 0);
  const ratio = measured ? measured.stored / measured.original : 1;
  const estimatedStoredBytes = Math.round(totalBytes - otherBytes + otherBytes * ratio);
  return {
    folder,
    objectCount: objects.length,
    eligibleObjects: eligible.length,
    totalBytes,
    eligibleBytes,
    sampledObjects: measured?.count ?? 0,
    ...(measured ? { measuredRatio: ratio } : {}),
    estimatedStoredBytes,
    estimatedSavedBytes: totalBytes - estimatedStoredBytes,
    estimatedSavingsPercent: percent(totalBytes - estimatedStoredBytes, totalBytes),
  };
}

/** Delta-encode each target against the reference; sum what deltaglider would store. */
async function measure(
  ctx: ClientContext,
  bucket: string,
  reference: ListedObject,
  targets: readonly ListedObject[],
  signal: AbortSignal | undefined,
): Promise<{ stored: number; original: number; count: number }> {
  const opOptions = signalOption(signal);
  const referenceBody = await ctx.store.getObject(bucket, reference.key, opOptions);
  const blob = await spool(ctx.scratch, referenceBody.body, opOptions);
  let source: RandomAccessSource | undefined;
  try {
    source = await blob.openRandomAccess();
    let stored = 0;
    let original = 0;
    for (const target of targets) {
      const got = await ctx.store.getObject(bucket, target.key, opOptions);
      let deltaSize = 0;
      for await (const chunk of ctx.codec.encode(source, got.body, {
        ...opOptions,
        targetSize: target.size,
      })) {
        deltaSize += chunk.length;
      }
      stored += exceedsMaxRatio(deltaSize, target.size, ctx.config.maxRatio)
        ? target.size
        : deltaSize;
      original += target.size;
    }
    return { stored, original, count: targets.length };
  } finally {
    await source?.close();
    await blob.dispose();
  }
}
