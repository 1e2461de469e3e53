import {
  extraReferencesPrefix,
  isExtraReferenceKey,
  isReferenceKey,
  logicalKeyOf,
} from "../domain/deltaspace.js";
import { INTERNAL_PREFIX } from "../domain/internal-folder.js";
import {
  classifyStoredObject,
  type Metadata,
  parseTimestamp,
  readField,
  ZERO_DIFF_NOTE,
} from "../domain/metadata.js";
import { directReasonOfObject } from "../domain/policy.js";
import type { ListedObject } from "../ports/object-store.js";
import { mapLimit } from "../service/context.js";
import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import type { DeltaspaceDetails, DeltaspaceObject, DescribeDeltaspaceOptions } from "./types.js";

function optionalSize(metadata: Metadata): number | undefined {
  const value = readField(metadata, "fileSize");
  return value !== undefined && /^\d{1,16}$/.test(value) ? Number(value) : undefined;
}

function optionalCreatedAt(metadata: Metadata, where: string): Date | undefined {
  const value = readField(metadata, "createdAt");
  if (value === undefined) return undefined;
  try {
    return parseTimestamp(value, where);
  } catch {
    return undefined;
  }
}

function optionalSha(metadata: Metadata, field: "fileSha256" | "refSha256"): string | undefined {
  return readField(metadata, field)?.toLowerCase();
}

/**
 * What a stored object of a deltaspace is, from its key, listing entry and metadata. A direct
 * object's reason is the one recorded on it (`dg-direct-reason`); objects without one (the
 * Python tool's, or ours from before) get it only when they show it themselves: empty, or a
 * name that is never delta-encoded.
 */
function describeObject(
  ctx: MaintenanceContext,
  listed: ListedObject,
  metadata: Metadata,
): Omit<DeltaspaceObject, "broken"> {
  const kind = classifyStoredObject(listed.key, metadata);
  const createdAt = optionalCreatedAt(metadata, listed.key);
  const sha256 = optionalSha(metadata, "fileSha256");
  const common = {
    storedKey: listed.key,
    storedSize: listed.size,
    lastModified: listed.lastModified,
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(sha256 === undefined ? {} : { sha256 }),
  };
  if (kind === "reference" || (kind === "foreign" && isReferenceKey(listed.key))) {
    const sourceName = readField(metadata, "sourceName");
    return {
      ...common,
      key: listed.key,
      storage: "reference",
      originalSize: listed.size,
      ...(sourceName === undefined ? {} : { sourceName }),
    };
  }
  if (kind === "delta") {
    const originalSize = optionalSize(metadata);
    const referenceSha256 = optionalSha(metadata, "refSha256");
    return {
      ...common,
      key: logicalKeyOf(listed.key),
      storage: "delta",
      ...(originalSize === undefined ? {} : { originalSize }),
      ...(referenceSha256 === undefined ? {} : { referenceSha256 }),
      ...(readField(metadata, "note") === ZERO_DIFF_NOTE ? { zeroDiff: true } : {}),
    };
  }
  if (kind === "direct") {
    const originalSize = optionalSize(metadata) ?? listed.size;
    const directReason = directReasonOfObject(
      listed.key,
      metadata,
      originalSize,
      ctx.deltaExtensions,
    );
    return {
      ...common,
      key: listed.key,
      storage: "direct",
      originalSize,
      ...(directReason === undefined ? {} : { directReason }),
    };
  }
  return { ...common, key: listed.key, storage: "foreign", originalSize: listed.size };
}

/**
 * The stored objects of one deltaspace (its own level, not its sub-folders), each with how it
 * is stored: the reference, deltas (with their original size and the reference they need),
 * direct objects (with why, when the object shows it) and foreign objects. One listing, then a
 * HEAD per object with bounded parallelism. Deltas whose reference is missing or is not the one
 * they were encoded against are marked `broken`.
 */
export async function describeDeltaspace(
  ctx: MaintenanceContext,
  bucket: string,
  deltaspace: string,
  options: DescribeDeltaspaceOptions = {},
): Promise<DeltaspaceDetails> {
  const name = deltaspace.replace(/\/+$/, "");
  const prefix = name === "" ? "" : `${name}/`;
  const opOptions = signalOption(options.signal);
  const listed: ListedObject[] = [];
  for await (const page of listStoredPages(ctx.store, bucket, prefix, options.signal, {
    delimiter: "/",
  })) {
    for (const object of page) {
      if (!object.key.startsWith(INTERNAL_PREFIX)) listed.push(object);
    }
    options.onProgress?.({ listed: listed.length, described: 0 });
  }

  let described = 0;
  const found = await mapLimit(listed, ctx.metadataConcurrency, async (object) => {
    const head = await ctx.store.headObject(bucket, object.key, opOptions);
    described += 1;
    options.onProgress?.({ listed: listed.length, described });
    // Deleted since the listing: not part of the deltaspace any more.
    return head ? describeObject(ctx, object, head.metadata) : undefined;
  });
  const objects = found.filter((o): o is Omit<DeltaspaceObject, "broken"> => o !== undefined);
  // A delta decodes against one of the folder's references: its reference.bin, or one of its
  // extra references under .dg-refs/ (listed apart: they are in a sub-folder).
  const referenceShas = new Set<string>();
  for (const o of objects) {
    if (o.storage === "reference" && o.sha256 !== undefined) referenceShas.add(o.sha256);
  }
  const extras: string[] = [];
  for await (const page of listStoredPages(
    ctx.store,
    bucket,
    extraReferencesPrefix(name),
    options.signal,
  )) {
    for (const object of page) if (isExtraReferenceKey(object.key)) extras.push(object.key);
  }
  await mapLimit(extras, ctx.metadataConcurrency, async (key) => {
    const head = await ctx.store.headObject(bucket, key, opOptions);
    const sha = head ? optionalSha(head.metadata, "fileSha256") : undefined;
    if (sha !== undefined) referenceShas.add(sha);
  });
  return {
    bucket,
    deltaspace: name,
    objects: objects.map((o) =>
      o.storage === "delta" &&
      (o.referenceSha256 === undefined || !referenceShas.has(o.referenceSha256))
        ? { ...o, broken: true }
        : o,
    ),
  };
}
