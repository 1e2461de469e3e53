import { extraReferenceKeyFor, logicalKeyOf, referenceKeyFor } from "../domain/deltaspace.js";
import { readField, referenceMetadata, ZERO_DIFF_NOTE } from "../domain/metadata.js";
import { headersEntry, optionalEntry } from "../domain/object-headers.js";
import { validateMaxRatio } from "../domain/policy.js";
import {
  chooseReference,
  decideStorage,
  validateNewReferenceRatio,
} from "../domain/reference-choice.js";
import { createSketcher, encodeSketch, type Sketch } from "../domain/sketch.js";
import { formatS3Uri } from "../domain/s3-uri.js";
import { InvalidArgumentError } from "../errors.js";
import type { ObjectInfo, OperationOptions } from "../ports/index.js";
import type { ScratchBlob } from "../ports/scratch.js";
import { loadReference, mapLimit, type ServiceContext } from "./context.js";
import { encodeDelta, sourceAsTarget } from "./put.js";
import { getResolved } from "./read.js";
import {
  confirmReference,
  createdAtOf,
  folderDeltaKeys,
  type FolderReference,
  folderReferences,
  putReferenceIfAbsent,
  removeUnusedReferences,
} from "./references.js";
import { hashStream, spool } from "./streams.js";
import { sourceTags } from "./tagging.js";
import type { RebaseFile, RebaseOptions, RebaseResult } from "./types.js";

/** A delta of the folder, as listed and HEADed. */
interface FolderDelta {
  readonly info: ObjectInfo;
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly referenceKey: string;
  readonly createdAt: Date;
}

/** A reference of the working set, with whether the plan still points a delta at it. */
interface WorkingReference extends FolderReference {
  used: boolean;
  /** Created by this run (dry run: only in the local cache). */
  readonly added: boolean;
}

/**
 * Re-encode a folder's deltas against the best set of references, in the order the files were
 * uploaded: each file is rebuilt, sketched, encoded against the closest reference, and becomes
 * a new reference where its delta is larger than the new-reference ratio allows (as an upload
 * would decide today). A delta is replaced only when the new one is smaller (or its file
 * became a reference), and only after it decodes to the file's SHA-256; references no delta
 * names any more are removed at the end. Without `apply` nothing is written: the result is
 * the projection (new references live only in the local cache).
 *
 * Crash-safe: a new reference is written before any delta names it, each delta is replaced by
 * one PUT, and references go only once nothing names them, so every object stays readable at
 * every moment.
 */
export async function rebaseDeltaspace(
  ctx: ServiceContext,
  bucket: string,
  prefix: string,
  options: RebaseOptions = {},
): Promise<RebaseResult> {
  if (prefix !== "" && !prefix.endsWith("/")) {
    throw new InvalidArgumentError(`Not a folder: ${formatS3Uri(bucket, prefix)}`, {
      hint: "Give the folder with a trailing slash, e.g. s3://bucket/releases/.",
    });
  }
  const deltaspace = prefix.slice(0, -1);
  const apply = options.apply ?? false;
  const opOptions: OperationOptions = options.signal ? { signal: options.signal } : {};
  const maxRatio = validateMaxRatio(options.maxRatio ?? ctx.maxRatio);
  const newReferenceRatio = validateNewReferenceRatio(
    options.newReferenceRatio ?? ctx.newReferenceRatio,
  );
  const primaryKey = referenceKeyFor(deltaspace);
  const primary = await ctx.store.headObject(bucket, primaryKey, opOptions);
  const empty: RebaseResult = {
    bucket,
    deltaspace,
    applied: apply,
    files: [],
    storedBytesBefore: 0,
    storedBytesAfter: 0,
    referencesBefore: 0,
    referencesAfter: 0,
    removedReferences: [],
  };
  if (!primary) return empty;

  const current = await folderReferences(ctx, bucket, deltaspace, primary, opOptions);
  const working: WorkingReference[] = current.map((r) => ({ ...r, used: false, added: false }));
  const deltas = await listFolderDeltas(ctx, bucket, deltaspace, opOptions);
  const referenceBytesBefore = current.reduce((sum, r) => sum + r.size, 0);
  const deltaBytesBefore = deltas.reduce((sum, d) => sum + d.info.size, 0);

  const files: RebaseFile[] = [];
  for (const delta of deltas) {
    const outcome = await rebaseOne(delta);
    files.push(outcome);
    options.onFile?.(outcome);
  }

  // What the folder holds afterwards: its reference.bin, every reference a delta names, and
  // the deltas (replaced or kept).
  for (const file of files) {
    const reference = working.find((r) => r.key === file.referenceKey);
    if (reference) reference.used = true;
  }
  const kept = working.filter((r) => r.used || r.key === primaryKey);
  const storedBytesAfter =
    kept.reduce((sum, r) => sum + r.size, 0) + files.reduce((sum, f) => sum + f.storedAfter, 0);
  let removedReferences: string[];
  if (apply) {
    removedReferences = await removeUnusedReferences(ctx, bucket, [deltaspace], opOptions);
  } else {
    removedReferences = working.filter((r) => !kept.includes(r) && !r.added).map((r) => r.key);
  }
  return {
    bucket,
    deltaspace,
    applied: apply,
    files,
    storedBytesBefore: referenceBytesBefore + deltaBytesBefore,
    storedBytesAfter,
    referencesBefore: current.length,
    referencesAfter: kept.length,
    removedReferences,
  };

  async function rebaseOne(delta: FolderDelta): Promise<RebaseFile> {
    const keep: RebaseFile = {
      key: delta.key,
      action: "kept",
      storedBefore: delta.info.size,
      storedAfter: delta.info.size,
      referenceKey: delta.referenceKey,
    };
    // A reference's own zero-diff delta stays as it is.
    if (working.some((r) => r.sha256 === delta.sha256)) return keep;
    const file = await spool(
      ctx.scratch,
      (
        await getResolved(
          ctx,
          bucket,
          { stored: delta.info, info: resolvedInfo(bucket, delta) },
          opOptions,
        )
      ).body,
      opOptions,
    );
    try {
      const sketch = await sketchOf(file, opOptions);
      const best = chooseReference(working, sketch);
      if (best === undefined) return keep;
      const target = {
        size: file.size,
        sha256: delta.sha256,
        open: () => file.open(opOptions),
        openRandomAccess: () => file.openRandomAccess(),
      };
      let encoded = await encodeDelta(
        ctx,
        best.reference.sha256,
        () => loadReference(ctx, bucket, best.reference.key, best.reference.sha256, opOptions),
        () => target,
        file.size,
        opOptions,
      );
      let reference: WorkingReference = best.reference;
      let action: RebaseFile["action"] = "re-encoded";
      try {
        const decision = decideStorage({
          deltaSize: encoded.blob.size,
          fileSize: file.size,
          similarity: best.similarity,
          maxRatio,
          newReferenceRatio,
          canAddReference: working.length < ctx.maxReferences,
        });
        if (decision === "new-reference") {
          await encoded.blob.dispose();
          reference = await addReference(delta, file, sketch);
          // The copy addReference cached; a retry caches the file again (a dry run stores
          // no reference to fetch).
          const added = reference;
          let attempts = 0;
          encoded = await encodeDelta(
            ctx,
            delta.sha256,
            () =>
              attempts++ === 0
                ? loadReference(ctx, bucket, added.key, delta.sha256, opOptions)
                : ctx.cache.put(delta.sha256, file.open(opOptions), opOptions),
            (cached) => sourceAsTarget(cached, delta.sha256),
            file.size,
            opOptions,
            { zeroDiff: true },
          );
          action = "new-reference";
        } else if (decision === "direct" || encoded.blob.size >= delta.info.size) {
          // Rebase never stores a file whole, and keeps a delta that is already as small.
          return keep;
        }
        const outcome: RebaseFile = {
          key: delta.key,
          action,
          storedBefore: delta.info.size,
          storedAfter: encoded.blob.size,
          referenceKey: reference.key,
        };
        if (apply) {
          const replaced = await replaceDelta(delta, reference, encoded.blob, encoded.format);
          if (!replaced) return keep;
        }
        return outcome;
      } finally {
        await encoded.blob.dispose();
      }
    } finally {
      await file.dispose();
    }
  }

  /** Make the file a reference of the folder (dry run: in the local cache only). */
  async function addReference(
    delta: FolderDelta,
    file: ScratchBlob,
    sketch: Sketch,
  ): Promise<WorkingReference> {
    const key = extraReferenceKeyFor(deltaspace, delta.sha256.slice(0, 16));
    const createdAt = ctx.clock.now();
    const metadata = referenceMetadata({
      tool: ctx.tool,
      sourceName: delta.key.slice(delta.key.lastIndexOf("/") + 1),
      sha256: delta.sha256,
      createdAt,
      sketch: encodeSketch(sketch),
    });
    if (apply) {
      await putReferenceIfAbsent(
        ctx,
        bucket,
        key,
        file.open(opOptions),
        metadata,
        delta.sha256,
        file.size,
        opOptions,
      );
    }
    await (await ctx.cache.put(delta.sha256, file.open(opOptions), opOptions)).close();
    const reference: WorkingReference = {
      key,
      sha256: delta.sha256,
      createdAt,
      sketch,
      size: file.size,
      metadata,
      used: false,
      added: true,
    };
    working.push(reference);
    return reference;
  }

  /**
   * Replace a delta by one that decodes against `reference`, once it is checked to rebuild the
   * file; false (nothing written) when the delta changed since it was listed.
   */
  async function replaceDelta(
    delta: FolderDelta,
    reference: FolderReference,
    blob: ScratchBlob,
    format: string | undefined,
  ): Promise<boolean> {
    const source = await loadReference(ctx, bucket, reference.key, reference.sha256, opOptions);
    try {
      const rebuilt = await hashStream(
        ctx.hasher,
        ctx.codec.decode(source, blob.open(opOptions), opOptions),
        opOptions,
      );
      if (rebuilt.sha256 !== delta.sha256 || rebuilt.size !== delta.size) {
        ctx.logger.log("warn", "a re-encoded delta did not verify; keeping the old one", {
          key: delta.info.key,
        });
        return false;
      }
    } finally {
      await source.close();
    }
    const now = await ctx.store.headObject(bucket, delta.info.key, opOptions);
    if (!now || (now.etag !== undefined && now.etag !== delta.info.etag)) return false;
    const metadata: Record<string, string> = { ...delta.info.metadata };
    for (const field of ["dg-delta-format", "dg-note"]) delete metadata[field];
    Object.assign(metadata, {
      "dg-ref-key": reference.key,
      "dg-ref-sha256": reference.sha256,
      "dg-delta-size": String(blob.size),
      ...(format === undefined ? {} : { "dg-delta-format": format }),
      ...(reference.sha256 === delta.sha256 ? { "dg-note": ZERO_DIFF_NOTE } : {}),
    });
    const tags = await sourceTags(ctx, bucket, resolvedInfo(bucket, delta), opOptions);
    await ctx.store.putObject(bucket, delta.info.key, blob.open(opOptions), {
      ...opOptions,
      metadata,
      contentLength: blob.size,
      contentType: delta.info.contentType ?? "application/octet-stream",
      ...headersEntry(delta.info.headers),
      ...optionalEntry("tags", tags),
    });
    return confirmReference(
      ctx,
      bucket,
      reference.key,
      reference.sha256,
      reference.metadata,
      opOptions,
    );
  }
}

/** The deltas of a folder (its own level), oldest upload first. */
async function listFolderDeltas(
  ctx: ServiceContext,
  bucket: string,
  deltaspace: string,
  options: OperationOptions,
): Promise<FolderDelta[]> {
  const keys = await folderDeltaKeys(ctx, bucket, deltaspace, options);
  const primary = referenceKeyFor(deltaspace);
  const heads = await mapLimit(keys, ctx.metadataConcurrency, (key) =>
    ctx.store.headObject(bucket, key, options),
  );
  const deltas: FolderDelta[] = [];
  for (const info of heads) {
    const sha256 = info ? readField(info.metadata, "fileSha256")?.toLowerCase() : undefined;
    const size = info ? Number(readField(info.metadata, "fileSize")) : Number.NaN;
    if (!info || sha256 === undefined || !Number.isSafeInteger(size)) continue;
    deltas.push({
      info,
      key: logicalKeyOf(info.key),
      sha256,
      size,
      referenceKey: readField(info.metadata, "refKey") ?? primary,
      createdAt: createdAtOf(info),
    });
  }
  return deltas.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.key < b.key ? -1 : 1),
  );
}

/** The logical view {@link getResolved} needs of a listed delta. */
function resolvedInfo(bucket: string, delta: FolderDelta) {
  return {
    bucket,
    key: delta.key,
    storedKey: delta.info.key,
    kind: "delta" as const,
    size: delta.size,
    storedSize: delta.info.size,
    lastModified: delta.info.lastModified,
    sha256: delta.sha256,
    metadata: {},
    referenceKey: delta.referenceKey,
    ...optionalEntry("tagCount", delta.info.tagCount),
  };
}

/** Sketch a blob, streaming it once. */
async function sketchOf(blob: ScratchBlob, options: OperationOptions): Promise<Sketch> {
  const sketcher = createSketcher();
  for await (const chunk of blob.open(options)) sketcher.update(chunk);
  return sketcher.digest();
}
