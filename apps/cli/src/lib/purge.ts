import {
  DELTA_SUFFIX,
  deltaspaceOf,
  INTERNAL_PREFIX,
  isReferenceKey,
  type ListedObject,
  mapLimit,
  type ObjectStore,
  readField,
  referenceKeyFor,
} from "@dg/core";

/** Where the Python tool's SDK puts rehydrated files (`rehydrate_for_download`). */
export const TEMP_PREFIX = `${INTERNAL_PREFIX}tmp/`;

/** Where a delete sets a reference aside while it removes it (`removeUnusedReferences`). */
export const SET_ASIDE_PREFIX = `${INTERNAL_PREFIX}trash/`;

/**
 * A set-aside reference younger than this may belong to a delete that is running right now
 * (it holds one for the seconds between its copy and its clean-up): it is never removed.
 */
export const SET_ASIDE_GRACE_MS = 60 * 60 * 1000;

const HEAD_CONCURRENCY = 16;
const SHA256 = /^[0-9a-f]{64}$/;

const EXPIRY =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parse a `dg-expires-at` value as the Python tool writes it: ISO 8601 from
 * `datetime.isoformat()`, usually naive (no zone, meaning UTC), sometimes with `Z` or an offset
 * such as `+00:00` or `+0200`. Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseExpiry("2026-11-25T16:25:14.657329"); // 2026-11-25T16:25:14.657Z
 * parseExpiry("2026-11-25T18:25:14+02:00"); // 2026-11-25T16:25:14.000Z
 * ```
 */
export function parseExpiry(text: string): Date | undefined {
  const match = EXPIRY.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second ?? 0),
    ms,
  );
  const parsed = new Date(utc);
  // Date.UTC rolls 2026-02-31 over to March: refuse what is not a real calendar time.
  if (
    parsed.getUTCMonth() !== Number(month) - 1 ||
    parsed.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second ?? 0) > 59
  ) {
    return undefined;
  }
  return new Date(utc - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
}

/** One rehydrated temp object. */
export interface TempFile {
  readonly key: string;
  readonly size: number;
  /** The `dg-expires-at` text as stored. */
  readonly expiresAt: string;
}

/** What a scan of `.deltaglider/tmp/` found. */
export interface TempScan {
  readonly expired: readonly TempFile[];
  /** Temp objects not expired yet. */
  readonly live: number;
  /** Temp objects without a readable `dg-expires-at` (left alone). */
  readonly undated: readonly string[];
}

async function* listAll(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  signal: AbortSignal,
): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await store.listObjects(bucket, {
      prefix,
      signal,
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    yield* page.objects;
    token = page.nextContinuationToken;
  } while (token !== undefined);
}

/**
 * Find the temp objects whose `dg-expires-at` lies before `now` (one HEAD per temp object,
 * 16 at a time).
 *
 * @example
 * ```ts
 * const scan = await scanTempFiles(client.store, "releases", new Date(), signal);
 * ```
 */
export async function scanTempFiles(
  store: ObjectStore,
  bucket: string,
  now: Date,
  signal: AbortSignal,
): Promise<TempScan> {
  const listed: ListedObject[] = [];
  for await (const object of listAll(store, bucket, TEMP_PREFIX, signal)) listed.push(object);
  const heads = await mapLimit(listed, HEAD_CONCURRENCY, async (object) => ({
    object,
    info: await store.headObject(bucket, object.key, { signal }),
  }));
  const expired: TempFile[] = [];
  const undated: string[] = [];
  let live = 0;
  for (const { object, info } of heads) {
    if (!info) continue; // gone meanwhile
    const text = info.metadata["dg-expires-at"] ?? info.metadata.dg_expires_at;
    const expires = text === undefined ? undefined : parseExpiry(text);
    if (text === undefined || expires === undefined) undated.push(object.key);
    else if (expires.getTime() < now.getTime())
      expired.push({ key: object.key, size: info.size, expiresAt: text });
    else live += 1;
  }
  return { expired, live, undated };
}

/** A reference a crashed delete left in `.deltaglider/trash/<sha256>`. */
export interface SetAsideReference {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** Which set-aside references purge may remove, and which it keeps with the reason. */
export interface SetAsideScan {
  readonly removable: readonly SetAsideReference[];
  readonly kept: readonly { readonly key: string; readonly reason: string }[];
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
 * const { removable, kept } = await scanSetAsideReferences(client.store, "b", new Date(), signal);
 * ```
 */
export async function scanSetAsideReferences(
  store: ObjectStore,
  bucket: string,
  now: Date,
  signal: AbortSignal,
): Promise<SetAsideScan> {
  const candidates: SetAsideReference[] = [];
  for await (const object of listAll(store, bucket, SET_ASIDE_PREFIX, signal)) {
    candidates.push({ key: object.key, size: object.size, lastModified: object.lastModified });
  }
  if (candidates.length === 0) return { removable: [], kept: [] };

  const deltas: string[] = [];
  const references: string[] = [];
  for await (const object of listAll(store, bucket, "", signal)) {
    if (object.key.startsWith(INTERNAL_PREFIX)) continue;
    if (isReferenceKey(object.key)) references.push(object.key);
    else if (object.key.endsWith(DELTA_SUFFIX)) deltas.push(object.key);
  }
  const referenceSha = new Map<string, string | undefined>();
  await mapLimit(references, HEAD_CONCURRENCY, async (key) => {
    const info = await store.headObject(bucket, key, { signal });
    if (info) referenceSha.set(key, readField(info.metadata, "fileSha256")?.toLowerCase());
  });
  // The SHA-256 of every reference some delta needs and its deltaspace does not hold.
  const needed = new Set<string>();
  await mapLimit(deltas, HEAD_CONCURRENCY, async (key) => {
    const info = await store.headObject(bucket, key, { signal });
    const sha = info ? readField(info.metadata, "refSha256")?.toLowerCase() : undefined;
    if (sha === undefined) return;
    if (referenceSha.get(referenceKeyFor(deltaspaceOf(key))) !== sha) needed.add(sha);
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

/** The outcome of deleting objects by their stored keys. */
export interface PurgeDeletion {
  readonly deleted: readonly string[];
  readonly errors: readonly { readonly key: string; readonly message: string }[];
}

/**
 * Delete stored keys (raw, not logical deletes), 1,000 per request; every key gets its own
 * outcome.
 *
 * @example
 * ```ts
 * const { deleted, errors } = await deleteStoredKeys(client.store, "b", keys, signal);
 * ```
 */
export async function deleteStoredKeys(
  store: ObjectStore,
  bucket: string,
  keys: readonly string[],
  signal: AbortSignal,
): Promise<PurgeDeletion> {
  const deleted: string[] = [];
  const errors: { key: string; message: string }[] = [];
  for (let at = 0; at < keys.length; at += 1000) {
    const batch = keys.slice(at, at + 1000);
    const result = await store.deleteObjects(bucket, batch, { signal });
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
  signal: AbortSignal,
): Promise<boolean> {
  const info = await store.headObject(bucket, reference.key, { signal });
  return info !== undefined && info.lastModified.getTime() === reference.lastModified.getTime();
}
