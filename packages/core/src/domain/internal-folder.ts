/**
 * The layout of `.deltaglider/`, deltaglider's own folder in a bucket. This module is its one
 * owner: every other package asks here for a key under it. Listings never show the folder and
 * user keys under it are refused.
 *
 * ```
 * .deltaglider/tmp/<32 hex>_<name>             rehydrated copies for links (`dg-expires-at`),
 *                                              the Python tool's layout; removed by purge
 * .deltaglider/trash/<sha256>                  a reference a delete sets aside while it removes
 *                                              it; removed by purge once nothing needs it
 * .deltaglider/cli-stats/v1/<mode>/<id>.json   cached stats of a prefix (`id`: 16 hex of the
 *                                              prefix's SHA-256)
 * .deltaglider/probe/if-none-match-<uuid>      the S3 store's conditional-write probe (deleted
 *                                              right after)
 * .deltaglider/uploads/<upload id>             the S3 store's mark on a multipart upload it
 *                                              started (deleted when it completes or aborts);
 *                                              purge aborts marked uploads past --older-than
 * .deltaglider/facts/v1/<folder id>/<writer>.json  the object-facts index: one document per
 *                                              writer and folder (`folder id`: 16 hex of the
 *                                              folder's SHA-256), merged on read (ADR 0002);
 *                                              purge rebuilds or drops it
 * ```
 */
export const INTERNAL_PREFIX = ".deltaglider/";

/** Where the Python tool's SDK puts rehydrated files (`rehydrate_for_download`). */
export const TEMP_PREFIX = `${INTERNAL_PREFIX}tmp/`;

/**
 * The key of a rehydrated copy: `.deltaglider/tmp/<id>_<name>`, the Python tool's layout (it
 * puts a random UUID's 32 hex digits where `id` goes). deltaglider derives `id` from the object
 * version it copies, so that a second link to the same version finds the copy again.
 *
 * @example
 * ```ts
 * tempKeyFor("0123456789abcdef0123456789abcdef", "app-1.2.zip");
 * // ".deltaglider/tmp/0123456789abcdef0123456789abcdef_app-1.2.zip"
 * ```
 */
export function tempKeyFor(id: string, name: string): string {
  return `${TEMP_PREFIX}${id}_${name}`;
}

/** Where a delete sets a reference aside while it removes it, named by the reference's SHA-256. */
export const SET_ASIDE_PREFIX = `${INTERNAL_PREFIX}trash/`;

/** Where cached stats documents live, one per mode and prefix. */
export const STATS_CACHE_PREFIX = `${INTERNAL_PREFIX}cli-stats/v1/`;

/**
 * Where an object store marks the multipart uploads it starts, one empty object per upload
 * named by its upload id: S3 shows no metadata of an unfinished upload (ListMultipartUploads
 * gives key, id, time and owner only), so the mark is what tells deltaglider's uploads apart.
 */
export const UPLOAD_MARKER_PREFIX = `${INTERNAL_PREFIX}uploads/`;

/**
 * The key of the mark of a multipart upload.
 *
 * @example
 * ```ts
 * uploadMarkerKeyFor("2~abc"); // ".deltaglider/uploads/2~abc"
 * ```
 */
export function uploadMarkerKeyFor(uploadId: string): string {
  return `${UPLOAD_MARKER_PREFIX}${uploadId}`;
}

/** The prefix of the keys an object store writes to probe create-only writes. */
export const PROBE_PREFIX = `${INTERNAL_PREFIX}probe/if-none-match-`;

/**
 * The key a reference is set aside under while its deltaspace's last delta goes.
 *
 * @example
 * ```ts
 * setAsideKeyFor("ab12…"); // ".deltaglider/trash/ab12…"
 * ```
 */
export function setAsideKeyFor(sha256: string): string {
  return `${SET_ASIDE_PREFIX}${sha256}`;
}

/**
 * The key of the stats cache document of a prefix: `prefixId` is the first 16 hex characters
 * of the SHA-256 of the prefix (the caller hashes; the domain does no I/O and holds no hasher).
 *
 * @example
 * ```ts
 * statsCacheKeyFor("quick", "e3b0c44298fc1c14"); // ".deltaglider/cli-stats/v1/quick/e3b0c44298fc1c14.json"
 * ```
 */
export function statsCacheKeyFor(mode: string, prefixId: string): string {
  return `${STATS_CACHE_PREFIX}${mode}/${prefixId}.json`;
}

/** Where the object-facts index lives (ADR 0002). */
export const FACTS_PREFIX = `${INTERNAL_PREFIX}facts/v1/`;

/**
 * The folder of one deltaspace in the object-facts index: `folderId` is the first 16 hex
 * characters of the SHA-256 of the deltaspace's name (the caller hashes).
 *
 * @example
 * ```ts
 * factsFolderPrefixFor("e3b0c44298fc1c14"); // ".deltaglider/facts/v1/e3b0c44298fc1c14/"
 * ```
 */
export function factsFolderPrefixFor(folderId: string): string {
  return `${FACTS_PREFIX}${folderId}/`;
}

/**
 * The document of one writer in a folder of the object-facts index. Ends in `.json`, never in
 * `.delta` or `reference.bin`, so the Python tool lists it as a plain file.
 *
 * @example
 * ```ts
 * factsKeyFor("e3b0c44298fc1c14", "5b6e…"); // ".deltaglider/facts/v1/e3b0c44298fc1c14/5b6e….json"
 * ```
 */
export function factsKeyFor(folderId: string, writerId: string): string {
  return `${factsFolderPrefixFor(folderId)}${writerId}.json`;
}
