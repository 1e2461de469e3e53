import {
  assertStorableKey,
  baseName,
  deltaKeyFor,
  deltaspaceOf,
  extraReferenceKeyFor,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import {
  deltaMetadata,
  type DirectReason,
  directMetadata,
  readField,
  referenceMetadata,
  userMetadataToStore,
  ZERO_DIFF_NOTE,
} from "../domain/metadata.js";
import { headersEntry, optionalEntry, validateHeaders } from "../domain/object-headers.js";
import { validateTags } from "../domain/tags.js";
import { isDeltaEligible, validateMaxRatio } from "../domain/policy.js";
import {
  chooseReference,
  decideStorage,
  referencesToRetire,
  validateNewReferenceRatio,
} from "../domain/reference-choice.js";
import { createSketcher, encodeSketch, type Sketcher } from "../domain/sketch.js";
import { hasCode, IntegrityError, InternalError, UnavailableError } from "../errors.js";
import type {
  ByteStream,
  DeltaEncodeOptions,
  DeltaTarget,
  OperationOptions,
  RandomAccessSource,
  ReplayableBody,
} from "../ports/index.js";
import type { ScratchBlob } from "../ports/scratch.js";
import { sourceStream } from "../util/delta-target.js";
import { loadReference, type ServiceContext } from "./context.js";
import { withReference } from "./reference-retry.js";
import {
  confirmReference,
  type FolderReference,
  folderReferenceOf,
  folderReferences,
  referenceUsage,
  removeReference,
  removeUnusedReferences,
} from "./references.js";
import { countingStream, hashStream, spool, teeStream, verifiedStream } from "./streams.js";
import type { PutOptions, PutResult } from "./types.js";

/**
 * Store a file under a logical key: as the deltaspace's reference (plus its zero-diff delta),
 * as a delta against the existing reference, or directly. See design.md §3.
 */
export async function putObject(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  body: ReplayableBody,
  options: PutOptions = {},
): Promise<PutResult> {
  assertStorableKey(key);
  const userMetadata = userMetadataToStore(options.metadata);
  validateHeaders(options.headers);
  if (options.tags !== undefined) validateTags(options.tags);
  const maxRatio = validateMaxRatio(options.maxRatio ?? ctx.maxRatio);
  const name = baseName(key);
  const { signal } = options;
  const opOptions = signal ? { signal } : {};

  options.onProgress?.({
    type: "start",
    key,
    ...(body.size === undefined ? {} : { totalBytes: body.size }),
  });
  // A delta-eligible file is sketched in the same pass, to choose among its folder's references.
  const sketcher =
    options.delta !== false && isDeltaEligible(name, ctx.deltaExtensions)
      ? createSketcher()
      : undefined;
  const newReferenceRatio = validateNewReferenceRatio(
    options.newReferenceRatio ?? ctx.newReferenceRatio,
  );
  const { sha256, size } = await hashStream(
    ctx.hasher,
    sketcher === undefined ? body.open(opOptions) : sketchedStream(body.open(opOptions), sketcher),
    opOptions,
  );
  if (body.size !== undefined && body.size !== size) {
    throw new IntegrityError(`The file changed while it was read: ${name}`, {
      hint: "Upload it again once nothing is writing to it.",
    });
  }
  // Every later read of the body must give the same bytes as the hash pass.
  const replay = (): ByteStream =>
    verifiedStream(
      ctx.hasher,
      body.open(opOptions),
      { sha256, size, what: `${name} (changed while uploading)` },
      opOptions,
    );
  const common = {
    contentType: options.contentType ?? "application/octet-stream",
    ...opOptions,
  };
  // What the user's object carries besides its metadata; the reference gets none of it.
  const userFields = {
    ...headersEntry(options.headers),
    ...optionalEntry("tags", options.tags),
  };
  const now = ctx.clock.now();

  // Progress counts each byte of the file once, whatever reads it: the upload of a new
  // reference, an encode that starts over (the cached reference was corrupt), a codec that
  // reads part of the target twice, a file that becomes an extra reference after its encode,
  // or a delta over --max-ratio stored whole after all.
  let reported = 0;
  const progressPass = (): ((n: number) => void) => {
    let seen = 0;
    return (n) => {
      seen += n;
      const upTo = Math.min(seen, size);
      if (upTo <= reported) return;
      options.onProgress?.({ type: "bytes", key, bytes: upTo - reported });
      reported = upTo;
    };
  };
  const storeDirect = async (reason: DirectReason): Promise<PutResult> => {
    const metadata = {
      ...userMetadata,
      ...directMetadata({
        tool: ctx.tool,
        originalName: name,
        sha256,
        size,
        createdAt: now,
        reason,
      }),
    };
    let sent = 0;
    const count = progressPass();
    const result = await ctx.store.putObject(
      bucket,
      key,
      countingStream(replay(), (n) => {
        sent += n;
        count(n);
      }),
      { ...common, ...userFields, metadata, contentLength: size },
    );
    // A delta of the same logical key would be shadowed; once it is gone, its folder's
    // reference may be needed by nothing.
    if (
      isDeltaEligible(name, ctx.deltaExtensions) &&
      (await ctx.store.headObject(bucket, deltaKeyFor(key), opOptions))
    ) {
      await ctx.store.deleteObject(bucket, deltaKeyFor(key), opOptions);
      await removeUnusedReferences(ctx, bucket, [deltaspaceOf(key)], opOptions);
    }
    options.onProgress?.({ type: "done", key, storedBytes: sent });
    return {
      bucket,
      key,
      storedKey: key,
      storageType: "direct",
      originalSize: size,
      storedSize: size,
      sha256,
      ...(result.etag === undefined ? {} : { etag: result.etag }),
      reason,
    };
  };

  if (options.delta === false) return storeDirect("delta-disabled");
  if (!isDeltaEligible(name, ctx.deltaExtensions)) return storeDirect("not-eligible");
  if (size === 0) return storeDirect("empty");

  const deltaspace = deltaspaceOf(key);
  const primaryKey = referenceKeyFor(deltaspace);
  const fileSketch = sketcher?.digest() ?? [];
  const ownReferenceMetadata = referenceMetadata({
    tool: ctx.tool,
    sourceName: name,
    sha256,
    createdAt: now,
    sketch: encodeSketch(fileSketch),
  });

  /**
   * Create-only write of this file as the reference at `referenceKey`; one read of the file
   * feeds both the store and the local cache. The cached copy, or `undefined` when another
   * client wrote that key first.
   */
  const createReference = async (referenceKey: string): Promise<RandomAccessSource | undefined> => {
    const [forStore, forCache] = teeStream(countingStream(replay(), progressPass()));
    const [stored, cached] = await Promise.allSettled([
      ctx.store
        .putObject(bucket, referenceKey, forStore, {
          ...common,
          metadata: ownReferenceMetadata,
          contentLength: size,
          ifNoneMatch: true,
        })
        .finally(() => forStore.cancel()),
      ctx.cache.put(sha256, forCache, opOptions).finally(() => forCache.cancel()),
    ]);
    if (stored.status === "fulfilled" && cached.status === "fulfilled") {
      const { etag } = stored.value;
      // Listings hide a reference once they know it is one: no HEAD needed for that either.
      if (ctx.factsIndex !== false && etag !== undefined) {
        ctx.factsIndex.record(bucket, {
          key: referenceKey,
          etag,
          storedSize: size,
          name,
          size,
          sha256,
          kind: "reference",
        });
      }
      return cached.value;
    }
    if (cached.status === "fulfilled") await cached.value.close();
    if (stored.status === "fulfilled") throw (cached as PromiseRejectedResult).reason;
    if (!hasCode(stored.reason, "CONFLICT")) throw stored.reason;
    ctx.logger.log("info", "reference created concurrently; using the existing one", {
      referenceKey,
    });
    return undefined;
  };

  /**
   * The file as a delta target, read again from the body (by position where it can be); a new
   * one for each attempt of an encode.
   */
  const bodyTarget = (): DeltaTarget => {
    const openRandomAccess = body.openRandomAccess?.bind(body);
    const count = progressPass();
    return openRandomAccess === undefined
      ? countingStream(replay(), count)
      : {
          size,
          sha256,
          open: () => countingStream(replay(), count),
          openRandomAccess: async (o?: OperationOptions) =>
            countingSource(await openRandomAccess(o), count),
        };
  };

  /** The file's delta against the folder reference `referenceKey` (fetched into the cache). */
  const deltaAgainst = (referenceKey: string, referenceSha: string) =>
    encodeDelta(
      ctx,
      referenceSha,
      () => loadReference(ctx, bucket, referenceKey, referenceSha, opOptions),
      bodyTarget,
      size,
      opOptions,
    );

  /**
   * The file's zero-diff delta against its own new reference: the file against itself, both
   * from the cache copy `written` just made (should it fail its check, the file is cached again),
   * or from `referenceKey` when another client wrote it.
   */
  const zeroDiff = (written: RandomAccessSource | undefined, referenceKey: string) => {
    let first = written;
    return encodeDelta(
      ctx,
      sha256,
      async () => {
        const source = first;
        first = undefined;
        if (source !== undefined) return source;
        return written === undefined
          ? loadReference(ctx, bucket, referenceKey, sha256, opOptions)
          : ctx.cache.put(sha256, replay(), opOptions);
      },
      (reference) => sourceAsTarget(reference, sha256),
      size,
      opOptions,
      { zeroDiff: true },
    );
  };

  let primaryInfo = await ctx.store.headObject(bucket, primaryKey, opOptions);
  let chosen: { key: string; sha256: string; metadata: Readonly<Record<string, string>> };
  let created = false;
  let encoded: EncodedDelta;
  const createdSource = primaryInfo ? undefined : await createReference(primaryKey);
  if (createdSource !== undefined) {
    created = true;
    chosen = { key: primaryKey, sha256, metadata: ownReferenceMetadata };
    encoded = await zeroDiff(createdSource, primaryKey);
  } else {
    // Another client created the reference first: encode against theirs.
    primaryInfo ??= await ctx.store.headObject(bucket, primaryKey, opOptions);
    if (!primaryInfo) {
      throw new UnavailableError(
        `Reference vanished while uploading: s3://${bucket}/${primaryKey}`,
        {
          hint: "Another client created and deleted it at the same time; try again.",
        },
      );
    }
    if (readField(primaryInfo.metadata, "fileSha256") === undefined) {
      throw new IntegrityError(
        `Reference has no SHA-256 in its metadata: s3://${bucket}/${primaryKey}`,
        {
          hint: "The reference was not written by deltaglider; move the file to another folder.",
        },
      );
    }
    const references =
      ctx.maxReferences > 1
        ? await folderReferences(ctx, bucket, deltaspace, primaryInfo, opOptions)
        : [folderReferenceOf(primaryInfo)].filter((r) => r !== undefined);
    const best = chooseReference(references, fileSketch);
    if (best === undefined) throw new InternalError("a folder with a reference has no candidate");
    const bestInfo = best.reference;
    chosen = {
      key: bestInfo.key,
      sha256: bestInfo.sha256,
      metadata: bestInfo.metadata,
    };
    encoded = await deltaAgainst(bestInfo.key, bestInfo.sha256);
    const inputs = {
      deltaSize: encoded.blob.size,
      fileSize: size,
      similarity: best.similarity,
      maxRatio,
      newReferenceRatio,
    };
    let decision = decideStorage({ ...inputs, canAddReference: ctx.maxReferences > 1 });
    if (decision === "new-reference" && references.length >= ctx.maxReferences) {
      const room = await makeRoomForReference(ctx, bucket, deltaspace, references, opOptions);
      if (!room) decision = decideStorage({ ...inputs, canAddReference: false });
    }
    if (decision === "direct") {
      await encoded.blob.dispose();
      ctx.logger.log("info", "delta exceeds the max ratio; storing the file directly", {
        key,
        deltaSize: inputs.deltaSize,
        size,
        maxRatio,
      });
      return await storeDirect("max-ratio");
    }
    if (decision === "new-reference") {
      const extraKey = extraReferenceKeyFor(deltaspace, sha256.slice(0, 16));
      ctx.logger.log("info", "the folder's references have drifted; the file becomes one", {
        key,
        referenceKey: extraKey,
        deltaSize: inputs.deltaSize,
        size,
      });
      await encoded.blob.dispose();
      const extraSource = await createReference(extraKey);
      if (extraSource !== undefined) {
        created = true;
        chosen = { key: extraKey, sha256, metadata: ownReferenceMetadata };
        encoded = await zeroDiff(extraSource, extraKey);
      } else {
        // The same file was made a reference by another client at the same moment.
        const theirs = await ctx.store.headObject(bucket, extraKey, opOptions);
        if (readField(theirs?.metadata ?? {}, "fileSha256")?.toLowerCase() !== sha256) {
          return await storeDirect("reference-changed");
        }
        chosen = { key: extraKey, sha256, metadata: theirs?.metadata ?? {} };
        encoded = await zeroDiff(undefined, extraKey);
      }
    }
  }

  const delta = encoded.blob;
  const deltaFormat = encoded.format;
  try {
    const deltaKey = deltaKeyFor(key);
    const metadata = {
      ...userMetadata,
      ...deltaMetadata({
        tool: ctx.tool,
        originalName: name,
        sha256,
        size,
        createdAt: now,
        refKey: chosen.key,
        refSha256: chosen.sha256,
        deltaSize: delta.size,
        ...(chosen.sha256 === sha256 ? { note: ZERO_DIFF_NOTE } : {}),
        ...(deltaFormat === undefined ? {} : { deltaFormat }),
      }),
    };
    const result = await ctx.store.putObject(bucket, deltaKey, delta.open(opOptions), {
      ...common,
      ...userFields,
      metadata,
      contentLength: delta.size,
    });
    const referenceHolds = await confirmReference(
      ctx,
      bucket,
      chosen.key,
      chosen.sha256,
      chosen.metadata,
      opOptions,
    );
    if (!referenceHolds) {
      // The folder got another reference while this delta was encoded: it cannot be decoded.
      ctx.logger.log("warn", "reference changed while uploading; storing the file directly", {
        key,
        referenceKey: chosen.key,
      });
      return await storeDirect("reference-changed");
    }
    // A direct object of the same logical key would shadow the new delta on reads.
    await ctx.store.deleteObject(bucket, key, opOptions);
    // Best effort: listings then know this delta's original size without a HEAD.
    if (ctx.factsIndex !== false && result.etag !== undefined) {
      ctx.factsIndex.record(bucket, {
        key: deltaKey,
        etag: result.etag,
        storedSize: delta.size,
        name,
        size,
        sha256,
        refSha256: chosen.sha256,
        kind: "delta",
      });
      await ctx.factsIndex.flush(opOptions);
    }
    options.onProgress?.({ type: "done", key, storedBytes: delta.size });
    return {
      bucket,
      key,
      storedKey: deltaKey,
      storageType: created ? "reference" : "delta",
      originalSize: size,
      // A new reference is stored whole, beside its tiny zero-diff delta.
      storedSize: created ? size + delta.size : delta.size,
      sha256,
      ...(result.etag === undefined ? {} : { etag: result.etag }),
      referenceKey: chosen.key,
    };
  } finally {
    await delta.dispose();
  }
}

/**
 * A folder at its cap of references: retire the oldest extra references no delta uses, to
 * make room for one more. False when every one is in use.
 */
async function makeRoomForReference(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  references: readonly FolderReference[],
  options: OperationOptions,
): Promise<boolean> {
  const usage = await referenceUsage(ctx, bucket, deltaspace, options);
  const retire = referencesToRetire(
    references,
    usage,
    referenceKeyFor(deltaspace),
    ctx.maxReferences,
  );
  if (retire.length < references.length + 1 - ctx.maxReferences) return false;
  for (const reference of retire) {
    const needed = async () =>
      ((await referenceUsage(ctx, bucket, deltaspace, options)).get(reference.key) ?? 0) > 0;
    if (!(await removeReference(ctx, bucket, reference.key, needed, options))) return false;
  }
  return true;
}

/** A delta in scratch, with the format the codec reported. */
export interface EncodedDelta {
  readonly blob: ScratchBlob;
  readonly format: string | undefined;
}

/**
 * Encode a target (of `size` bytes) against the reference `openReference` gives (whose file has
 * SHA-256 `referenceSha`) into scratch, closing the reference after. When a read of the cached
 * copy fails its integrity check, the entry is dropped and the encode starts over once against
 * a fresh copy (`withReference`), so `targetFor` is called once per attempt. The caller disposes
 * the blob.
 */
export async function encodeDelta(
  ctx: ServiceContext,
  referenceSha: string,
  openReference: () => Promise<RandomAccessSource>,
  targetFor: (reference: RandomAccessSource) => DeltaTarget,
  size: number,
  opOptions: OperationOptions,
  kind: Pick<DeltaEncodeOptions, "zeroDiff"> = {},
): Promise<EncodedDelta> {
  let format: string | undefined;
  const blob = await withReference(ctx, referenceSha, openReference, (reference) => {
    format = undefined;
    const target = targetFor(reference);
    const encodeOptions: DeltaEncodeOptions = {
      targetSize: size,
      onFormat: (f: string) => {
        format = f;
      },
      ...kind,
      ...opOptions,
    };
    // A codec that holds its whole output anyway writes it to scratch itself (once).
    return ctx.codec.encodeToScratch === undefined
      ? spool(ctx.scratch, ctx.codec.encode(reference, target, encodeOptions), opOptions)
      : ctx.codec.encodeToScratch(reference, target, ctx.scratch, encodeOptions);
  });
  return { blob, format };
}

/** A cached reference as the target of its own zero-diff delta (the caller closes it). */
export function sourceAsTarget(source: RandomAccessSource, sha256: string): DeltaTarget {
  return {
    size: source.size,
    sha256,
    open: (options) => sourceStream(source, options),
    openRandomAccess: async () => ({
      size: source.size,
      read: (position, length) => source.read(position, length),
      close: async () => undefined,
    }),
  };
}

/** Pass a stream through, feeding every chunk to a sketcher on the way. */
async function* sketchedStream(stream: ByteStream, sketcher: Sketcher): ByteStream {
  for await (const chunk of stream) {
    sketcher.update(chunk);
    yield chunk;
  }
}

/** Report bytes read from a target source as progress, up to its size. */
function countingSource(
  source: RandomAccessSource,
  onBytes: (n: number) => void,
): RandomAccessSource {
  let reported = 0;
  return {
    size: source.size,
    ...(source.path === undefined ? {} : { path: source.path }),
    async read(position, length) {
      const bytes = await source.read(position, length);
      const n = Math.min(bytes.length, source.size - reported);
      if (n > 0) {
        reported += n;
        onBytes(n);
      }
      return bytes;
    },
    close: () => source.close(),
  };
}
