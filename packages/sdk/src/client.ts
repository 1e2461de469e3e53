import type { DeltaCodec, Logger, ReferenceCache } from "@dg/core";
import { createBucketMaintenance, createDeltaService, createFactsIndex } from "@dg/core";
import { createSha256Hasher } from "@dg/core/memory";
import { createFsReferenceCache, createMemoryReferenceCache } from "@dg/cache";
import { createFsScratchSpace } from "@dg/node";
import {
  createBucket,
  deleteBucket,
  getBucketAcl,
  headBucket,
  listBuckets,
  putBucketAcl,
} from "./buckets.js";
import type { DeltaGliderClient } from "./client-interface.js";
import { type CacheConfig, resolveConfig, type ResolvedConfig } from "./config.js";
import type { ClientContext } from "./context.js";
import { estimateCompression } from "./estimate.js";
import { lazyDeltaCodec, once } from "./lazy.js";
import { createStderrLogger } from "./logger.js";
import {
  copyObject,
  deleteObject,
  deleteObjects,
  getObject,
  headObject,
  listAllObjects,
  listObjectsV2,
  putObject,
} from "./objects.js";
import type { ClientOptions } from "./options.js";
import { createPresignedPost, getSignedUrl, rehydrateForDownload } from "./signed-url.js";
import { clearCache, deleteObjectsRecursive, getCachedBucketStats } from "./maintenance.js";
import { downloadFiles, uploadFiles } from "./batch.js";
import { migrate, planMigration } from "./migrate.js";
import { getObjectInfo } from "./object-info.js";
import { findSimilarFiles } from "./similar.js";
import { locationOf } from "./location.js";
import { resolveStore } from "./store.js";
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from "./tagging.js";
import { downloadFile, uploadFile, verifyObject } from "./transfer.js";
import { SDK_VERSION } from "./version.js";

function codecFor(options: ClientOptions, config: ResolvedConfig, logger: Logger): DeltaCodec {
  if (options.codec) return options.codec;
  // The codecs load on the first encode or decode: listings, stats and deletes never need them.
  const load = once(async () => {
    const [{ createDeltaCodec }, { createArchiveCodec }] = await Promise.all([
      import("@dg/xdelta"),
      import("@dg/archive"),
    ]);
    const secondary = config.deltaSecondary;
    // Writes the configured format; reads dgd and VCDIFF alike (told apart by their magic).
    const inner = createDeltaCodec({
      format: config.deltaFormat,
      vcdiff: {
        engine: config.deltaEngine,
        builtin: { encoder: { secondary } },
        native: { secondary },
      },
    });
    // Archive-aware deltas are ours alone; in compat mode only plain VCDIFF is written. Both
    // modes read every kind (the archive codec hands other deltas to the inner codec).
    // Which deltas each archive encode made, and why (see @dg/archive's ArchiveEncodeReport).
    const archive = createArchiveCodec({
      inner,
      onEncodeReport: (report) => logger.log("debug", "archive-aware encode", { ...report }),
    });
    if (!config.compat) return archive;
    return { name: inner.name, encode: inner.encode, decode: archive.decode };
  });
  // The names the codecs give themselves (`dgd`, `builtin`/`xdelta3`, `archive+` in front).
  const written = config.deltaFormat === "dgd" ? "dgd" : config.deltaEngine;
  return lazyDeltaCodec(config.compat ? written : `archive+${written}`, load);
}

/** The reference cache of the resolved settings. */
function buildCache(cache: CacheConfig): ReferenceCache {
  if (cache.backend === "memory") {
    return createMemoryReferenceCache(
      cache.memoryMaxSizeBytes === undefined ? {} : { maxSizeBytes: cache.memoryMaxSizeBytes },
    );
  }
  return createFsReferenceCache({
    ...(cache.directory === undefined ? {} : { directory: cache.directory }),
    ...(cache.maxSizeBytes === undefined ? {} : { maxSizeBytes: cache.maxSizeBytes }),
    ...(cache.encryptionKey === undefined ? {} : { encryptionKey: cache.encryptionKey }),
  });
}

/**
 * Create a deltaglider client. Options win over the `DG_*`/`AWS_*` variables of `env`
 * (default `process.env`), which win over the shared AWS config file.
 *
 * @example
 * ```ts
 * const client = createClient({ endpoint: "http://127.0.0.1:9000" });
 * await client.uploadFile("app-1.2.zip", "s3://releases/app/");
 * const { Body } = await client.getObject({ Bucket: "releases", Key: "app/app-1.2.zip" });
 * ```
 */
export function createClient(options: ClientOptions = {}): DeltaGliderClient {
  const env = options.env ?? process.env;
  const config = resolveConfig(env, options);
  const logger = options.logger ?? createStderrLogger(config.logLevel);
  const resolved = resolveStore(options, config);
  const codec = codecFor(options, config, logger);
  const scratch = options.scratch ?? createFsScratchSpace();
  const hasher = options.hasher ?? createSha256Hasher();
  const cache = options.cache ?? buildCache(config.cache);
  // One index per client: the service's uploads and the stats share what it has read.
  const factsIndex = config.objectIndex
    ? createFactsIndex({
        store: resolved.store,
        hasher,
        logger,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      })
    : false;
  const service = createDeltaService({
    factsIndex,
    store: resolved.store,
    codec,
    cache,
    scratch,
    hasher,
    logger,
    toolVersion: options.toolVersion ?? SDK_VERSION,
    maxRatio: config.maxRatio,
    newReferenceRatio: config.newReferenceRatio,
    maxReferences: config.maxReferences,
    metadataConcurrency: config.metadataConcurrency,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.deltaExtensions === undefined ? {} : { deltaExtensions: options.deltaExtensions }),
  });
  const maintenance = createBucketMaintenance({
    factsIndex,
    store: resolved.store,
    hasher,
    service,
    logger,
    metadataConcurrency: config.metadataConcurrency,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.deltaExtensions === undefined ? {} : { deltaExtensions: options.deltaExtensions }),
  });
  const ctx: ClientContext = {
    config,
    service,
    maintenance,
    store: resolved.store,
    codec,
    cache,
    scratch,
    hasher,
    logger,
    deltaExtensions: options.deltaExtensions,
  };
  return {
    description: resolved.store.description,
    endpoint: config.location.endpoint,
    storeKind: resolved.kind,
    putObject: (input, opts) => putObject(ctx, input, opts),
    getObject: (input, opts) => getObject(ctx, input, opts),
    headObject: (input, opts) => headObject(ctx, input, opts),
    listObjectsV2: (input, opts) => listObjectsV2(ctx, input, opts),
    listAllObjects: (input, opts) => listAllObjects(ctx, input, opts),
    deleteObject: (input, opts) => deleteObject(ctx, input, opts),
    deleteObjects: (input, opts) => deleteObjects(ctx, input, opts),
    copyObject: (input, opts) => copyObject(ctx, input, opts),
    getObjectTagging: (input, opts) => getObjectTagging(ctx, input, opts),
    putObjectTagging: (input, opts) => putObjectTagging(ctx, input, opts),
    deleteObjectTagging: (input, opts) => deleteObjectTagging(ctx, input, opts),
    createBucket: (input, opts) => createBucket(ctx, input, opts),
    deleteBucket: (input, opts) => deleteBucket(ctx, input, opts),
    listBuckets: (opts) => listBuckets(ctx, opts),
    headBucket: (input, opts) => headBucket(ctx, input, opts),
    getBucketAcl: (input, opts) => getBucketAcl(ctx, input, opts),
    putBucketAcl: (input, opts) => putBucketAcl(ctx, input, opts),
    getSignedUrl: (input, opts) => getSignedUrl(ctx, input, opts),
    rehydrateForDownload: (input, opts) => rehydrateForDownload(ctx, input, opts),
    createPresignedPost: (input, opts) => createPresignedPost(ctx, input, opts),
    uploadFile: (path, uri, opts) => uploadFile(ctx, path, uri, opts),
    downloadFile: (uri, path, opts) => downloadFile(ctx, uri, path, opts),
    uploadFiles: (items, opts) => uploadFiles(ctx, items, opts),
    downloadFiles: (items, opts) => downloadFiles(ctx, items, opts),
    verifyObject: (uri, opts) => verifyObject(ctx, uri, opts),
    getObjectInfo: (uri, opts) => getObjectInfo(ctx, uri, opts),
    findSimilarFiles: (bucket, prefix, file, opts) =>
      findSimilarFiles(ctx, bucket, prefix, file, opts),
    getBucketStats: (bucket, opts) => maintenance.bucketStats(bucket, opts),
    getCachedBucketStats: (bucket, opts) => getCachedBucketStats(ctx, bucket, opts),
    describeDeltaspace: (bucket, deltaspace, opts) =>
      maintenance.describeDeltaspace(bucket, deltaspace, opts),
    purgeTempFiles: (bucket, opts) => maintenance.purgeTempFiles(bucket, opts),
    emptyBucket: (bucket, opts) => maintenance.emptyBucket(bucket, opts),
    rebuildObjectIndex: (bucket, opts) => maintenance.rebuildFactsIndex(bucket, opts),
    dropObjectIndex: (bucket, opts) => maintenance.dropFactsIndex(bucket, opts),
    deleteObjectsRecursive: (uri, opts) => deleteObjectsRecursive(ctx, uri, opts),
    clearCache: () => clearCache(ctx),
    estimateCompression: (uri, opts) => estimateCompression(ctx, uri, opts),
    planMigration: (source, destination, opts) => planMigration(ctx, source, destination, opts),
    migrate: (plan, opts) => migrate(ctx, plan, opts),
    rebase: (folder, opts) => {
      const { bucket, key } = locationOf(folder);
      return service.rebase(bucket, key, opts);
    },
    destroy() {
      resolved.destroy();
    },
  };
}
