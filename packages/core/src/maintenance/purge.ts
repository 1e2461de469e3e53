import {
  DELTA_SUFFIX,
  deltaspaceOf,
  isReferenceKey,
  referenceKeyFor,
} from "../domain/deltaspace.js";
import {
  INTERNAL_PREFIX,
  SET_ASIDE_PREFIX,
  TEMP_PREFIX,
  UPLOAD_MARKER_PREFIX,
  uploadMarkerKeyFor,
} from "../domain/internal-folder.js";
import { readField } from "../domain/metadata.js";
import { expiresAtText } from "../domain/rehydrated.js";
import type { ListedObject, ObjectStore } from "../ports/object-store.js";
import { mapLimit } from "../service/context.js";
import { listStoredPages, type MaintenanceContext, signalOption } from "./context.js";
import { parseExpiry } from "../domain/expiry.js";
import type {
  PurgeError,
  PurgeOptions,
  PurgeResult,
  SetAsideReference,
  SetAsideScan,
  TempFile,
  TempScan,
  UploadScan,
} from "./types.js";

/**
 * A set-aside reference younger than this may belong to a delete that is running right now
 * (it holds one for the seconds between its copy and its clean-up): it is never removed.
 */
export const SET_ASIDE_GRACE_MS = 60 * 60 * 1000;

/** How old an unfinished multipart upload of ours must be before purge aborts it: 24 hours. */
export const DEFAULT_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

const DEFAULT_CONCURRENCY = 16;
const SHA256 = /^[0-9a-f]{64}$/;

async function listAll(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  signal: AbortSignal | undefined,
): Promise<ListedObject[]> {
  const listed: ListedObject[] = [];
  for await (const page of listStoredPages(store, bucket, prefix, signal)) listed.push(...page);
  return listed;
}

/**
 * Find the temporary objects whose `dg-expires-at` lies before `now` (one HEAD per temporary
 * object, `concurrency` at a time).
 *
 * @example
 * ```ts
 * const scan = await scanTempFiles(store, "releases", new Date(), signal);
 * ```
 */
export async function scanTempFiles(
  store: ObjectStore,
  bucket: string,
  now: Date,
  signal: AbortSignal | undefined,
  concurrency = DEFAULT_CONCURRENCY,
): Promise<TempScan> {
  const listed = await listAll(store, bucket, TEMP_PREFIX, signal);
  const heads = await mapLimit(listed, concurrency, async (object) => ({
    object,
    info: await store.headObject(bucket, object.key, signalOption(signal)),
  }));
  const expired: TempFile[] = [];
  const undated: string[] = [];
  let live = 0;
  for (const { object, info } of heads) {
    if (!info) continue; // gone meanwhile
    const text = expiresAtText(info.metadata);
    const expires = text === undefined ? undefined : parseExpiry(text);
    if (text === undefined || expires === undefined) undated.push(object.key);
    else if (expires.getTime() < now.getTime())
      expired.push({ key: object.key, size: info.size, expiresAt: text });
    else live += 1;
  }
  return { expired, live, undated };
}

/**
 * Decide about the references a crashed delete left set aside. Such an object is a copy of a
 * deltaspace's `reference.bin`, named by its SHA-256. It is removable only when that cannot
 * lose data: it is older than {@link SET_ASIDE_GRACE_MS} (no delete still running holds it),
 * its name is a SHA-256, and no delta in the bucket needs it, i.e. every delta whose
 * `dg-ref-sha256` is that SHA-256 finds a `reference.bin` with that SHA-256 in its own
 * deltaspace (the reference is present again). Everything else is kept. The check lists the
 * whole bucket and reads the metadata of every delta and reference, so it runs only when
 * set-aside references exist.
 *
 * @example
 * ```ts
 * const { removable, kept } = await scanSetAsideReferences(store, "b", new Date(), signal);
 * ```
 */
export async function scanSetAsideReferences(
  store: ObjectStore,
  bucket: string,
  now: Date,
  signal: AbortSignal | undefined,
  concurrency = DEFAULT_CONCURRENCY,
): Promise<SetAsideScan> {
  const candidates: SetAsideReference[] = (
    await listAll(store, bucket, SET_ASIDE_PREFIX, signal)
  ).map((object) => ({ key: object.key, size: object.size, lastModified: object.lastModified }));
  if (candidates.length === 0) return { removable: [], kept: [] };

  const deltas: string[] = [];
  const references: string[] = [];
  for await (const page of listStoredPages(store, bucket, "", signal)) {
    for (const object of page) {
      if (object.key.startsWith(INTERNAL_PREFIX)) continue;
      if (isReferenceKey(object.key)) references.push(object.key);
      else if (object.key.endsWith(DELTA_SUFFIX)) deltas.push(object.key);
    }
  }
  const referenceSha = new Map<string, string | undefined>();
  await mapLimit(references, concurrency, async (key) => {
    const info = await store.headObject(bucket, key, signalOption(signal));
    if (info) referenceSha.set(key, readField(info.metadata, "fileSha256")?.toLowerCase());
  });
  // The SHA-256 of every reference some delta needs and its deltaspace does not hold.
  const needed = new Set<string>();
  await mapLimit(deltas, concurrency, async (key) => {
    const info = await store.headObject(bucket, key, signalOption(signal));
    const sha = info ? readField(info.metadata, "refSha256")?.toLowerCase() : undefined;
    if (sha === undefined || info === undefined) return;
    // The reference the delta names (an extra one under `.dg-refs/`, or its folder's).
    const referenceKey = readField(info.metadata, "refKey") ?? referenceKeyFor(deltaspaceOf(key));
    if (referenceSha.get(referenceKey) !== sha) needed.add(sha);
  });

  const removable: SetAsideReference[] = [];
  const kept: { key: string; reason: string }[] = [];
  for (const candidate of candidates) {
    const sha = candidate.key.slice(SET_ASIDE_PREFIX.length).toLowerCase();
    if (now.getTime() - candidate.lastModified.getTime() < SET_ASIDE_GRACE_MS) {
      kept.push({ key: candidate.key, reason: "set aside less than an hour ago" });
    } else if (!SHA256.test(sha)) {
      kept.push({ key: candidate.key, reason: "not named by a SHA-256" });
    } else if (needed.has(sha)) {
      kept.push({
        key: candidate.key,
        reason: "deltas need it and their reference.bin is missing",
      });
    } else {
      removable.push(candidate);
    }
  }
  return { removable, kept };
}

/**
 * Delete stored keys (raw, not logical deletes), 1,000 per request; every key gets its own
 * outcome.
 *
 * @example
 * ```ts
 * const { deleted, errors } = await deleteStoredKeys(store, "b", keys, signal);
 * ```
 */
export async function deleteStoredKeys(
  store: ObjectStore,
  bucket: string,
  keys: readonly string[],
  signal: AbortSignal | undefined,
): Promise<{ readonly deleted: readonly string[]; readonly errors: readonly PurgeError[] }> {
  const deleted: string[] = [];
  const errors: PurgeError[] = [];
  for (let at = 0; at < keys.length; at += 1000) {
    const batch = keys.slice(at, at + 1000);
    const result = await store.deleteObjects(bucket, batch, signalOption(signal));
    const failed = new Set<string>();
    for (const { key, error } of result.errors) {
      failed.add(key);
      errors.push({ key, message: error.message });
    }
    deleted.push(...batch.filter((key) => !failed.has(key)));
  }
  return { deleted, errors };
}

/**
 * Re-check a set-aside reference right before deleting it: a delete that started since the
 * scan rewrites the same key (newer LastModified), and then it is kept.
 */
export async function stillUnchanged(
  store: ObjectStore,
  bucket: string,
  reference: SetAsideReference,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const info = await store.headObject(bucket, reference.key, signalOption(signal));
  return info !== undefined && info.lastModified.getTime() === reference.lastModified.getTime();
}

/** Whether a temporary object is still there and its `dg-expires-at` still lies before `now`. */
export async function stillExpired(
  store: ObjectStore,
  bucket: string,
  key: string,
  now: Date,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const info = await store.headObject(bucket, key, signalOption(signal));
  const text = info ? expiresAtText(info.metadata) : undefined;
  const expires = text === undefined ? undefined : parseExpiry(text);
  return expires !== undefined && expires.getTime() < now.getTime();
}

/**
 * Find deltaglider's unfinished multipart uploads: those with a mark under
 * `.deltaglider/uploads/` (S3 keeps no metadata of an unfinished upload that a listing shows),
 * split by age. Marks whose upload is gone (completed or aborted, the mark's delete failed) and
 * that are older than the threshold are returned too, to be deleted.
 *
 * @example
 * ```ts
 * const { scan } = await scanUploads(store, "b", new Date(), 24 * 3600_000, signal);
 * ```
 */
export async function scanUploads(
  store: ObjectStore,
  bucket: string,
  now: Date,
  olderThanMs: number,
  signal: AbortSignal | undefined,
): Promise<{ scan: UploadScan; orphanMarks: string[] }> {
  const uploads = store.capabilities?.multipartUploads;
  if (uploads === undefined) {
    return { scan: { supported: false, stale: [], recent: 0, foreign: 0 }, orphanMarks: [] };
  }
  const pending = await uploads.listMultipartUploads(bucket, signalOption(signal));
  const marks = await listAll(store, bucket, UPLOAD_MARKER_PREFIX, signal);
  const marked = new Set(marks.map((mark) => mark.key));
  const cutoff = now.getTime() - olderThanMs;
  const stale = [];
  let recent = 0;
  let foreign = 0;
  for (const upload of pending) {
    if (!marked.has(uploadMarkerKeyFor(upload.uploadId))) foreign += 1;
    else if (upload.initiated.getTime() <= cutoff) stale.push(upload);
    else recent += 1;
  }
  const live = new Set(pending.map((upload) => uploadMarkerKeyFor(upload.uploadId)));
  const orphanMarks = marks
    .filter((mark) => !live.has(mark.key) && mark.lastModified.getTime() <= cutoff)
    .map((mark) => mark.key);
  return { scan: { supported: true, stale, recent, foreign }, orphanMarks };
}

/** Abort the stale uploads (each, then its mark) and delete the orphan marks. */
async function abortUploads(
  store: ObjectStore,
  bucket: string,
  stale: UploadScan["stale"],
  orphanMarks: readonly string[],
  signal: AbortSignal | undefined,
): Promise<{ aborted: string[]; errors: PurgeError[] }> {
  const aborted: string[] = [];
  const errors: PurgeError[] = [];
  const marks = [...orphanMarks];
  for (const upload of stale) {
    try {
      await store.capabilities?.multipartUploads?.abortMultipartUpload(
        bucket,
        upload.key,
        upload.uploadId,
        signalOption(signal),
      );
      aborted.push(upload.key);
      marks.push(uploadMarkerKeyFor(upload.uploadId));
    } catch (error) {
      errors.push({
        key: upload.key,
        message: `abort of multipart upload ${upload.uploadId}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  const deleted = await deleteStoredKeys(store, bucket, marks, signal);
  return { aborted, errors: [...errors, ...deleted.errors] };
}

/**
 * Purge a bucket's `.deltaglider/` folder: the expired temporary files, then the set-aside
 * references nothing needs (each checked again right before it goes), then deltaglider's
 * unfinished multipart uploads started more than `olderThanMs` ago (default 24 hours; what a
 * killed upload leaves, billed until aborted). A dry run only scans.
 */
export async function purgeTempFiles(
  ctx: MaintenanceContext,
  bucket: string,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  const { store } = ctx;
  const { signal } = options;
  const now = ctx.clock.now();
  const tempFiles = await scanTempFiles(store, bucket, now, signal, ctx.metadataConcurrency);
  const setAside = await scanSetAsideReferences(
    store,
    bucket,
    now,
    signal,
    ctx.metadataConcurrency,
  );
  const uploads = await scanUploads(
    store,
    bucket,
    now,
    options.olderThanMs ?? DEFAULT_UPLOAD_AGE_MS,
    signal,
  );
  if (options.dryRun) {
    return {
      bucket,
      dryRun: true,
      tempFiles,
      setAside,
      deleted: [],
      freedBytes: 0,
      setAsideDeleted: [],
      uploads: uploads.scan,
      uploadsAborted: [],
      errors: [],
    };
  }
  // A link made since the scan may have rebuilt an expired copy under the same key, with a new
  // expiry: each one is read again right before it goes.
  const stillExpiredKeys = (
    await mapLimit(tempFiles.expired, ctx.metadataConcurrency, async (file) =>
      (await stillExpired(store, bucket, file.key, now, signal)) ? [file.key] : [],
    )
  ).flat();
  const temp = await deleteStoredKeys(store, bucket, stillExpiredKeys, signal);
  const gone = new Set(temp.deleted);
  const freedBytes = tempFiles.expired
    .filter((file) => gone.has(file.key))
    .reduce((sum, file) => sum + file.size, 0);
  const unchanged: string[] = [];
  const kept = [...setAside.kept];
  for (const reference of setAside.removable) {
    if (await stillUnchanged(store, bucket, reference, signal)) unchanged.push(reference.key);
    else kept.push({ key: reference.key, reason: "set aside again during the purge" });
  }
  const references = await deleteStoredKeys(store, bucket, unchanged, signal);
  const aborts = await abortUploads(store, bucket, uploads.scan.stale, uploads.orphanMarks, signal);
  return {
    bucket,
    dryRun: false,
    tempFiles,
    setAside: { removable: setAside.removable, kept },
    deleted: temp.deleted,
    freedBytes,
    setAsideDeleted: references.deleted,
    uploads: uploads.scan,
    uploadsAborted: aborts.aborted,
    errors: [...temp.errors, ...references.errors, ...aborts.errors],
  };
}
