import {
  assertStorableKey,
  baseName,
  deltaKeyFor,
  deltaspaceOf,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import {
  deltaMetadata,
  directMetadata,
  readField,
  referenceMetadata,
  userMetadataToStore,
  ZERO_DIFF_NOTE,
} from "../domain/metadata.js";
import { headersEntry, optionalEntry, validateHeaders } from "../domain/object-headers.js";
import { validateTags } from "../domain/tags.js";
import { exceedsMaxRatio, isDeltaEligible, validateMaxRatio } from "../domain/policy.js";
import { hasCode, IntegrityError, UnavailableError } from "../errors.js";
import type {
  ByteStream,
  DeltaTarget,
  OperationOptions,
  RandomAccessSource,
  ReplayableBody,
} from "../ports/index.js";
import type { ScratchBlob } from "../ports/scratch.js";
import { sourceStream } from "../util/delta-target.js";
import { loadReference, type ServiceContext } from "./context.js";
import { withReference } from "./reference-retry.js";
import { confirmReference, removeUnusedReferences } from "./references.js";
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
  const { sha256, size } = await hashStream(ctx.hasher, body.open(opOptions), opOptions);
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
  // reads part of the target twice, or a delta over --max-ratio stored whole after all.
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
  const storeDirect = async (reason: NonNullable<PutResult["reason"]>): Promise<PutResult> => {
    const metadata = {
      ...userMetadata,
      ...directMetadata({ tool: ctx.tool, originalName: name, sha256, size, createdAt: now }),
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
  const referenceKey = referenceKeyFor(deltaspace);
  let referenceInfo = await ctx.store.headObject(bucket, referenceKey, opOptions);
  let createdReference = false;
  const ownReferenceMetadata = referenceMetadata({
    tool: ctx.tool,
    sourceName: name,
    sha256,
    createdAt: now,
  });
  let source: RandomAccessSource | undefined;
  if (!referenceInfo) {
    // One read of the file feeds both the new reference and its cached copy; the zero-diff
    // delta is then encoded from the cache, so the file is read twice in all (hash, upload).
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
      createdReference = true;
      source = cached.value;
    } else {
      if (cached.status === "fulfilled") await cached.value.close();
      if (stored.status === "fulfilled") throw (cached as PromiseRejectedResult).reason;
      if (!hasCode(stored.reason, "CONFLICT")) throw stored.reason;
      // Another client created the reference first: encode against theirs.
      ctx.logger.log("info", "reference created concurrently; using the existing one", {
        referenceKey,
      });
      referenceInfo = await ctx.store.headObject(bucket, referenceKey, opOptions);
      if (!referenceInfo) {
        throw new UnavailableError(
          `Reference vanished while uploading: s3://${bucket}/${referenceKey}`,
          {
            hint: "Another client created and deleted it at the same time; try again.",
          },
        );
      }
    }
  }

  let referenceSha: string;
  let openReference: () => Promise<RandomAccessSource>;
  const newReference = source !== undefined;
  if (source !== undefined) {
    referenceSha = sha256;
    // The cached copy just written; should it fail its check, the file is cached again.
    let written: RandomAccessSource | undefined = source;
    openReference = async () => {
      const first = written;
      written = undefined;
      return first ?? ctx.cache.put(sha256, replay(), opOptions);
    };
  } else {
    const stored = readField(referenceInfo?.metadata ?? {}, "fileSha256");
    if (!stored) {
      throw new IntegrityError(
        `Reference has no SHA-256 in its metadata: s3://${bucket}/${referenceKey}`,
        {
          hint: "The reference was not written by deltaglider; move the file to another folder.",
        },
      );
    }
    const sha = stored.toLowerCase();
    referenceSha = sha;
    openReference = () => loadReference(ctx, bucket, referenceKey, sha, opOptions);
  }

  let deltaFormat: string | undefined;
  const openRandomAccess = body.openRandomAccess?.bind(body);
  const targetFor = (reference: RandomAccessSource): DeltaTarget => {
    // The zero-diff delta of a new reference: the file against itself, both from the cache.
    if (newReference) return sourceAsTarget(reference, sha256);
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
  const delta: ScratchBlob = await withReference(ctx, referenceSha, openReference, (reference) => {
    const target = targetFor(reference);
    const encodeOptions = {
      targetSize: size,
      onFormat: (format: string) => {
        deltaFormat = format;
      },
      ...opOptions,
    };
    // A codec that holds its whole output anyway writes it to scratch itself (once).
    return ctx.codec.encodeToScratch === undefined
      ? spool(ctx.scratch, ctx.codec.encode(reference, target, encodeOptions), opOptions)
      : ctx.codec.encodeToScratch(reference, target, ctx.scratch, encodeOptions);
  });
  try {
    if (!createdReference && exceedsMaxRatio(delta.size, size, maxRatio)) {
      ctx.logger.log("info", "delta exceeds the max ratio; storing the file directly", {
        key,
        deltaSize: delta.size,
        size,
        maxRatio,
      });
      return await storeDirect("max-ratio");
    }
    const deltaKey = deltaKeyFor(key);
    const metadata = {
      ...userMetadata,
      ...deltaMetadata({
        tool: ctx.tool,
        originalName: name,
        sha256,
        size,
        createdAt: now,
        refKey: referenceKey,
        refSha256: referenceSha,
        deltaSize: delta.size,
        ...(createdReference ? { note: ZERO_DIFF_NOTE } : {}),
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
      referenceKey,
      referenceSha,
      referenceInfo?.metadata ?? ownReferenceMetadata,
      opOptions,
    );
    if (!referenceHolds) {
      // The folder got another reference while this delta was encoded: it cannot be decoded.
      ctx.logger.log("warn", "reference changed while uploading; storing the file directly", {
        key,
        referenceKey,
      });
      return await storeDirect("reference-changed");
    }
    // A direct object of the same logical key would shadow the new delta on reads.
    await ctx.store.deleteObject(bucket, key, opOptions);
    options.onProgress?.({ type: "done", key, storedBytes: delta.size });
    return {
      bucket,
      key,
      storedKey: deltaKey,
      storageType: createdReference ? "reference" : "delta",
      originalSize: size,
      // A new reference is stored whole, beside its tiny zero-diff delta.
      storedSize: createdReference ? size + delta.size : delta.size,
      sha256,
      ...(result.etag === undefined ? {} : { etag: result.etag }),
      referenceKey,
    };
  } finally {
    await delta.dispose();
  }
}

/** A cached reference as the target of its own zero-diff delta (the caller closes it). */
function sourceAsTarget(source: RandomAccessSource, sha256: string): DeltaTarget {
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
