import {
  baseName,
  DELTA_SUFFIX,
  isReferenceKey,
  logicalKeyOf,
  owningDeltaspaceOf,
} from "../domain/deltaspace.js";
import { FACTS_PREFIX, factsFolderPrefixFor, factsKeyFor } from "../domain/internal-folder.js";
import { classifyStoredObject, readField, type StoredObjectKind } from "../domain/metadata.js";
import type { Clock } from "../ports/clock.js";
import type { Hasher } from "../ports/hasher.js";
import type { Logger } from "../ports/logger.js";
import type { ListedObject, ObjectInfo, ObjectStore } from "../ports/object-store.js";
import type { OperationOptions } from "../ports/common.js";

/**
 * What deltaglider knows about one stored object without a HEAD, as long as the object is the
 * very version the facts were taken from: same key, same ETag, same stored size.
 */
export interface ObjectFacts {
  /** The stored key (`x.zip.delta`, `reference.bin`, …). */
  readonly key: string;
  readonly etag: string;
  readonly storedSize: number;
  /** The original file's name (`dg-original-name`). */
  readonly name: string;
  /** The original file's size. */
  readonly size: number;
  readonly sha256?: string;
  /** For deltas: the SHA-256 of the reference they decode against. */
  readonly refSha256?: string;
  readonly kind: StoredObjectKind;
}

/**
 * The per-folder object-facts index under `.deltaglider/facts/v1/<folder id>/`: one document
 * per writer (`<writer id>.json`), merged on read (ADR 0002). Everything is best effort: a
 * document that cannot be read or written is skipped, and readers trust an entry only when
 * key, ETag and stored size match the listing (anything else is HEADed).
 */
export interface FactsIndex {
  /** The facts of a listed object, when an entry matches its key, ETag and stored size. */
  lookup(
    bucket: string,
    object: ListedObject,
    options?: OperationOptions,
  ): Promise<ObjectFacts | undefined>;
  /**
   * The index's entries of one folder (read, or taken from memory), to match many listed
   * objects of that folder without a promise each: a listing awaits it once per folder of a
   * page. Its `match` answers as {@link lookup} does for an object of that folder.
   */
  folder(bucket: string, folder: string, options?: OperationOptions): Promise<FolderFacts>;
  /**
   * Start reading the index documents of the folders of these listed objects (at most half
   * the folders kept in memory), so that their lookups find them read: a listing calls it as
   * soon as a page arrives. Never throws.
   */
  preload(bucket: string, objects: readonly ListedObject[], options?: OperationOptions): void;
  /** Record facts in this writer's document of the object's folder (written by `flush`). */
  record(bucket: string, facts: ObjectFacts): void;
  /** Drop this writer's entries of deleted stored keys (written by `flush`). */
  forget(bucket: string, storedKeys: readonly string[]): void;
  /**
   * Delete every document of a folder (every writer's): called once the folder's last delta
   * and its reference are gone, so that an emptied folder leaves nothing behind. Never throws.
   */
  dropFolder(bucket: string, folder: string, options?: OperationOptions): Promise<void>;
  /** Write the documents changed since the last flush; never throws. */
  flush(options?: OperationOptions): Promise<void>;
}

/** One folder's entries of the index, as read (see {@link FactsIndex.folder}). */
export interface FolderFacts {
  /** The facts of a listed object of the folder, when an entry matches key, ETag and size. */
  match(object: ListedObject): ObjectFacts | undefined;
}

export interface FactsIndexOptions {
  readonly store: ObjectStore;
  readonly hasher: Hasher;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Names this writer's documents; default a random id (one per process and client). */
  readonly writerId?: string;
  /**
   * Folders whose entries are kept in memory, read and written each (least recently used go,
   * so a walk of a million keys holds a bounded window). Default 32.
   */
  readonly cachedFolders?: number;
  /**
   * Entries the folders kept in memory may hold together before the least recently used go
   * (down to two folders), so that a walk of folders of 1,000 versions each holds no more than
   * one of folders of 100. Default 4,096.
   */
  readonly cachedEntries?: number;
  /** Merged documents above this count are compacted by the reader into one. Default 8. */
  readonly compactAbove?: number;
  /**
   * Folders read one by one (a LIST of the folder's documents each) before the index's whole
   * list of documents is read once instead (a LIST per 1,000 documents), and then taken from
   * it for {@link CATALOG_TTL_MS}. Default 1 (a listing of one folder lists that folder's
   * documents; one of more folders lists them all once); `Infinity` never reads it.
   */
  readonly catalogAfter?: number;
}

/** How long a list of the index's documents is used before it is read again. */
export const CATALOG_TTL_MS = 60_000;

/** An index with more documents than this is read folder by folder (its list is not kept). */
const MAX_CATALOG_DOCUMENTS = 200_000;

/** The document format; readers skip documents of any other. */
export const FACTS_FORMAT = "deltaglider-facts/1";

/** A writer's document: its entries for one folder. */
interface FactsDocument {
  readonly format: typeof FACTS_FORMAT;
  readonly folder: string;
  readonly writer: string;
  readonly entries: readonly FactsEntry[];
}

interface FactsEntry extends ObjectFacts {
  /** ISO 8601: when the facts were taken; on compaction the latest per key is kept. */
  readonly recordedAt: string;
}

/** Documents larger than this are not ours. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** A writer keeps at most this many entries per folder document (the oldest go first). */
const MAX_ENTRIES_PER_DOCUMENT = 20_000;

const utf8 = new TextEncoder();

/**
 * The key of a folder in the index: the first 16 hex characters of the SHA-256 of its name.
 *
 * @example
 * ```ts
 * factsFolderId(hasher, "releases/app"); // "3f2a…" (16 hex)
 * ```
 */
export function factsFolderId(hasher: Hasher, folder: string): string {
  const hash = hasher.sha256();
  hash.update(utf8.encode(folder));
  return hash.digestHex().slice(0, 16);
}

function isEntry(value: unknown): value is FactsEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.key === "string" &&
    typeof e.etag === "string" &&
    typeof e.storedSize === "number" &&
    typeof e.name === "string" &&
    typeof e.size === "number" &&
    Number.isSafeInteger(e.size) &&
    e.size >= 0 &&
    (e.sha256 === undefined || typeof e.sha256 === "string") &&
    (e.refSha256 === undefined || typeof e.refSha256 === "string") &&
    (e.kind === "reference" || e.kind === "delta" || e.kind === "direct" || e.kind === "foreign") &&
    typeof e.recordedAt === "string"
  );
}

/** A writer's name: the time in base 36 and 16 random base-36 digits (unique in practice). */
function randomWriterId(): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, "0");
  return `${Date.now().toString(36)}-${random()}${random()}`;
}

/** Parse a document; `undefined` when it is not one of ours. */
export function parseFactsDocument(text: string): FactsDocument | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const doc = value as Partial<FactsDocument>;
    if (doc.format !== FACTS_FORMAT || typeof doc.folder !== "string") return undefined;
    if (typeof doc.writer !== "string" || !Array.isArray(doc.entries)) return undefined;
    return { ...doc, entries: doc.entries.filter(isEntry) } as FactsDocument;
  } catch {
    return undefined;
  }
}

/**
 * Parse a document as its bytes arrive, without ever holding it whole: each entry of its
 * `entries` array is parsed on its own, the rest (`format`, `folder`, `writer`) as a small
 * skeleton. A document of a folder of 1,000 versions is about 350 KB; as one string it would
 * go to V8's large-object space, which only a full collection frees, so a walk of many such
 * folders made the heap grow with the folders' size. `undefined` when it is not one of ours
 * (any syntax error, anywhere, rejects the whole document, as `parseFactsDocument` does).
 *
 * @example
 * ```ts
 * const doc = await parseFactsDocumentStream(body, 16 * 1024 * 1024);
 * ```
 */
export function parseFactsDocumentStream(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<FactsDocument | undefined> {
  return parseDocumentStream(chunks, maxBytes, (entry) => entry);
}

/**
 * {@link parseFactsDocumentStream}, each entry handed to `mapEntry` as soon as it is parsed
 * (what it returns is kept instead: the parsed object is then garbage at once, before the
 * document's next chunk is awaited).
 */
async function parseDocumentStream<E>(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  mapEntry: (entry: FactsEntry) => E,
): Promise<(Omit<FactsDocument, "entries"> & { readonly entries: readonly E[] }) | undefined> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const entries: E[] = [];
  /** The document without the elements of its `entries` array. */
  let skeleton = "";
  /** The text of the entry being read (it may span chunks). */
  let element = "";
  let size = 0;
  /** Nesting: 1 inside the document; inside `entries`, 1 between elements, 2+ in one. */
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Strings of the document's own level are collected (its keys and header values). */
  let collecting = false;
  let stringText = "";
  let lastString = "";
  let inEntries = false;
  /** Between the array's elements: whether an element (else a comma or the end) comes next. */
  let expectElement = true;
  let broken = false;
  const feed = (text: string) => {
    let from = 0;
    for (let i = 0; i < text.length && !broken; i += 1) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (collecting) lastString = stringText;
          continue;
        }
        if (collecting) stringText += text[i];
        continue;
      }
      if (inEntries && depth === 1) {
        // Between the array's elements: whitespace, commas, its end, or an object.
        if (c === 0x7b) {
          if (!expectElement) broken = true;
          depth = 2;
          from = i;
        } else if (c === 0x2c) {
          if (expectElement) broken = true;
          expectElement = true;
        } else if (c === 0x5d) {
          inEntries = false;
          from = i;
        } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
          broken = true; // an element that is not an object: not a document of ours
        }
        continue;
      }
      if (c === 0x22) {
        inString = true;
        collecting = depth === 1 && !inEntries;
        stringText = "";
      } else if (c === 0x7b || c === 0x5b) {
        if (c === 0x5b && depth === 1 && !inEntries && lastString === "entries") {
          skeleton += text.slice(from, i + 1);
          inEntries = true;
          expectElement = true;
          continue;
        }
        depth += 1;
      } else if (c === 0x7d || c === 0x5d) {
        depth -= 1;
        if (inEntries && depth === 1) {
          const value = parseJson(element + text.slice(from, i + 1));
          element = "";
          if (value === undefined) broken = true;
          else if (isEntry(value)) entries.push(mapEntry(value));
          expectElement = false;
        }
      }
    }
    if (!inEntries) skeleton += text.slice(from);
    else if (depth > 1) element += text.slice(from);
  };
  try {
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > maxBytes) return undefined;
      feed(decoder.decode(chunk, { stream: true }));
      if (broken) return undefined;
    }
    feed(decoder.decode());
  } catch {
    return undefined;
  }
  if (broken || inEntries || inString || depth !== 0) return undefined;
  const head = parseFactsDocument(skeleton);
  return head === undefined ? undefined : { ...head, entries };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The entry of a folder read that matches a listed object's key, ETag and stored size. */
function matchIn(folder: LoadedFolder, object: ListedObject): ObjectFacts | undefined {
  if (object.etag === undefined) return undefined;
  const found = folder.byKey.get(object.key);
  if (found === undefined) return undefined;
  const matches = (e: LoadedEntry) => e.etag === object.etag && e.storedSize === object.size;
  if (!Array.isArray(found)) return matches(found) ? found : undefined;
  return found.find(matches);
}

/**
 * An entry as a folder read holds it: the facts, and when it was recorded only while the
 * folder may be compacted (held entries are what a long listing keeps, folder after folder).
 */
interface LoadedEntry extends ObjectFacts {
  readonly recordedAt?: string;
}

/**
 * One folder's entries as read: the candidates per stored key, from every document (one entry
 * as itself, the usual case; several as a list).
 */
interface LoadedFolder {
  readonly byKey: Map<string, LoadedEntry | LoadedEntry[]>;
}

/** The candidates of a key in a folder read, as a list. */
function candidatesOf(found: LoadedEntry | LoadedEntry[] | undefined): LoadedEntry[] {
  if (found === undefined) return [];
  return Array.isArray(found) ? found : [found];
}

/** References a folder's entries name at most that are shared as one string each. */
const MAX_SHARED_REFERENCES = 64;

/**
 * An entry read from a document, as a folder read holds it: a fresh object of one shape, its
 * reference's SHA-256 shared with the folder's other entries (`shared`), `recordedAt` kept only
 * when asked (for a compaction).
 */
function loadedEntry(
  entry: FactsEntry,
  shared: Map<string, string>,
  keepRecordedAt: boolean,
): LoadedEntry {
  const out: { -readonly [K in keyof LoadedEntry]: LoadedEntry[K] } = {
    key: entry.key,
    etag: entry.etag,
    storedSize: entry.storedSize,
    name: entry.name,
    size: entry.size,
    kind: entry.kind,
  };
  if (entry.sha256 !== undefined) out.sha256 = entry.sha256;
  if (entry.refSha256 !== undefined) {
    let ref = shared.get(entry.refSha256);
    if (ref === undefined) {
      ref = entry.refSha256;
      if (shared.size < MAX_SHARED_REFERENCES) shared.set(ref, ref);
    }
    out.refSha256 = ref;
  }
  if (keepRecordedAt) out.recordedAt = entry.recordedAt;
  return out;
}

/** This writer's entries of one folder, and its write state. */
interface OwnDocument {
  readonly bucket: string;
  readonly folder: string;
  /** Its name in the folder: the writer id, with `-<n>` once an earlier one left memory. */
  readonly name: string;
  readonly entries: Map<string, FactsEntry>;
  dirty: boolean;
  writing?: Promise<void> | undefined;
}

/**
 * A {@link FactsIndex} over an object store.
 *
 * @example
 * ```ts
 * const facts = createFactsIndex({ store, hasher });
 * const known = await facts.lookup("b", listed);
 * if (!known) { const head = await store.headObject("b", listed.key); facts.record("b", …); }
 * await facts.flush();
 * ```
 */
export function createFactsIndex(options: FactsIndexOptions): FactsIndex {
  const { store, hasher } = options;
  const writer = options.writerId ?? randomWriterId();
  const cachedFolders = options.cachedFolders ?? 32;
  const cachedEntries = options.cachedEntries ?? 4096;
  /** Entries of each folder read and held, and their sum. */
  const entriesOf = new Map<string, number>();
  let heldEntries = 0;
  const compactAbove = options.compactAbove ?? 8;
  const log = options.logger ?? { log() {} };
  const loaded = new Map<string, Promise<LoadedFolder>>();
  const own = new Map<string, OwnDocument>();
  /** Documents of a folder this writer let go of (written, then evicted from memory). */
  const generations = new Map<string, number>();
  /** Documents changed since the last flush. */
  const pending = new Set<OwnDocument>();
  const now = () => (options.clock ?? { now: () => new Date() }).now();
  const folderKey = (bucket: string, folder: string) => `${bucket}\u0000${folder}`;
  const catalogAfter = options.catalogAfter ?? 1;
  /** Per bucket: folders read one by one so far, and the list of documents once read. */
  const catalogs = new Map<
    string,
    {
      folderReads: number;
      list?: Promise<Map<string, string[]> | undefined> | undefined;
      takenAt?: number;
    }
  >();

  /** Every document key of the index, by folder id; `undefined` when not readable or too many. */
  async function readCatalog(
    bucket: string,
    opOptions: OperationOptions,
  ): Promise<Map<string, string[]> | undefined> {
    const byFolder = new Map<string, string[]>();
    let count = 0;
    try {
      let token: string | undefined;
      do {
        const page = await store.listObjects(bucket, {
          ...opOptions,
          prefix: FACTS_PREFIX,
          ...(token === undefined ? {} : { continuationToken: token }),
        });
        for (const { key } of page.objects) {
          if (!key.endsWith(".json")) continue;
          const slash = key.indexOf("/", FACTS_PREFIX.length);
          if (slash < 0) continue;
          const id = key.slice(FACTS_PREFIX.length, slash);
          const keys = byFolder.get(id);
          if (keys) keys.push(key);
          else byFolder.set(id, [key]);
          count += 1;
        }
        if (count > MAX_CATALOG_DOCUMENTS) return undefined;
        token = page.nextContinuationToken;
      } while (token !== undefined);
    } catch (error) {
      if (opOptions.signal?.aborted) throw error;
      log.log("debug", "object facts index not listable", { bucket });
      return undefined;
    }
    return byFolder;
  }

  /**
   * The document keys of a folder from the index's list of documents, once enough folders were
   * read one by one; `undefined` when the folder is to be listed on its own.
   */
  async function catalogued(
    bucket: string,
    folderId: string,
    opOptions: OperationOptions,
  ): Promise<string[] | undefined> {
    let state = catalogs.get(bucket);
    if (!state) {
      state = { folderReads: 0 };
      catalogs.set(bucket, state);
    }
    const at = now().getTime();
    if (state.list && state.takenAt !== undefined && at - state.takenAt > CATALOG_TTL_MS) {
      state.list = undefined;
      state.folderReads = 0;
    }
    if (!state.list) {
      state.folderReads += 1;
      if (state.folderReads <= catalogAfter) return undefined;
      state.takenAt = at;
      state.list = readCatalog(bucket, opOptions);
      // A failed read (an abort) is tried again by the next reader.
      const taken = state;
      state.list.catch(() => {
        taken.list = undefined;
      });
    }
    const list = await state.list;
    if (list === undefined) return undefined;
    return list.get(folderId) ?? [];
  }

  async function readDocument(
    bucket: string,
    key: string,
    signal: OperationOptions,
    mapEntry: (entry: FactsEntry) => LoadedEntry,
  ): Promise<(Omit<FactsDocument, "entries"> & { entries: readonly LoadedEntry[] }) | undefined> {
    try {
      const { info, body } = await store.getObject(bucket, key, signal);
      if (info.size > MAX_DOCUMENT_BYTES) {
        // Not ours: the body is closed unread.
        for await (const _ of body) break;
        return undefined;
      }
      return await parseDocumentStream(body, MAX_DOCUMENT_BYTES, mapEntry);
    } catch {
      return undefined;
    }
  }

  async function loadFolder(
    bucket: string,
    folder: string,
    opOptions: OperationOptions,
  ): Promise<LoadedFolder> {
    const byKey = new Map<string, LoadedEntry | LoadedEntry[]>();
    const id = factsFolderId(hasher, folder);
    const prefix = factsFolderPrefixFor(id);
    const keys: string[] = [];
    try {
      const fromCatalog = await catalogued(bucket, id, opOptions);
      let token: string | undefined;
      if (fromCatalog !== undefined) keys.push(...fromCatalog);
      else {
        do {
          const page = await store.listObjects(bucket, {
            ...opOptions,
            prefix,
            ...(token === undefined ? {} : { continuationToken: token }),
          });
          keys.push(...page.objects.map((o) => o.key).filter((k) => k.endsWith(".json")));
          token = page.nextContinuationToken;
        } while (token !== undefined);
      }
    } catch (error) {
      if (opOptions.signal?.aborted) throw error;
      log.log("debug", "object facts index not readable", { bucket, folder });
      return { byKey };
    }
    const compacting = keys.length > compactAbove;
    const shared = new Map<string, string>();
    const mapEntry = (entry: FactsEntry) => loadedEntry(entry, shared, compacting);
    const documents = await Promise.all(
      keys.map((key) => readDocument(bucket, key, opOptions, mapEntry)),
    );
    for (const doc of documents) {
      if (doc === undefined || doc.folder !== folder) continue;
      for (const entry of doc.entries) {
        const found = byKey.get(entry.key);
        if (found === undefined) byKey.set(entry.key, entry);
        else if (Array.isArray(found)) found.push(entry);
        else byKey.set(entry.key, [found, entry]);
      }
    }
    if (compacting) await compact(bucket, folder, byKey, keys, opOptions);
    return { byKey };
  }

  /**
   * Many documents in a folder cost a GET each on every read: fold them into this writer's
   * (the latest entry per key) and delete the others. A writer that rewrites its document in
   * the meantime loses entries from the index, never correctness: they are HEADed again.
   */
  async function compact(
    bucket: string,
    folder: string,
    byKey: Map<string, LoadedEntry | LoadedEntry[]>,
    keys: readonly string[],
    opOptions: OperationOptions,
  ): Promise<void> {
    const doc = ownDocument(bucket, folder);
    // Entries read for a compaction keep their `recordedAt`.
    const recordedAt = (e: LoadedEntry) => e.recordedAt ?? "";
    for (const [key, found] of byKey) {
      const latest = candidatesOf(found).reduce((a, b) => (recordedAt(a) >= recordedAt(b) ? a : b));
      const mine = doc.entries.get(key);
      if (mine === undefined || mine.recordedAt < recordedAt(latest)) {
        doc.entries.set(key, { ...latest, recordedAt: recordedAt(latest) });
      }
    }
    const ownKey = factsKeyFor(factsFolderId(hasher, folder), doc.name);
    await writeFolder(doc, opOptions);
    if (doc.dirty) return; // not written: keep the others
    try {
      await store.deleteObjects(
        bucket,
        keys.filter((key) => key !== ownKey),
        opOptions,
      );
    } catch {
      // Best effort: they are merged again next time.
    }
  }

  function folderFacts(
    bucket: string,
    folder: string,
    opOptions: OperationOptions,
  ): Promise<LoadedFolder> {
    const id = folderKey(bucket, folder);
    let folderPromise = loaded.get(id);
    if (folderPromise) {
      // Most recently used last.
      loaded.delete(id);
      loaded.set(id, folderPromise);
      return folderPromise;
    }
    folderPromise = loadFolder(bucket, folder, opOptions);
    const settled = folderPromise;
    settled.then(
      (facts) => {
        if (loaded.get(id) !== settled) return;
        entriesOf.set(id, facts.byKey.size);
        heldEntries += facts.byKey.size;
        evict();
      },
      () => {
        if (loaded.get(id) === settled) unload(id);
      },
    );
    loaded.set(id, folderPromise);
    evict();
    return folderPromise;
  }

  /**
   * Keep a bounded window of folders read: at most `cachedFolders`, and while they hold more
   * than `cachedEntries` entries, no more than two (the least recently used go first). A
   * folder let go of while lookups wait for it still serves them.
   */
  function evict(): void {
    while (loaded.size > cachedFolders || (loaded.size > 2 && heldEntries > cachedEntries)) {
      unload(loaded.keys().next().value as string);
    }
  }

  function unload(id: string): void {
    loaded.delete(id);
    heldEntries -= entriesOf.get(id) ?? 0;
    entriesOf.delete(id);
  }

  function ownDocument(bucket: string, folder: string): OwnDocument {
    const id = folderKey(bucket, folder);
    let doc = own.get(id);
    if (doc) {
      own.delete(id);
      own.set(id, doc);
      return doc;
    }
    // A document evicted earlier is complete as written: a new one gets a name of its own
    // instead of overwriting it with fewer entries.
    const generation = generations.get(id) ?? 0;
    doc = {
      bucket,
      folder,
      name: generation === 0 ? writer : `${writer}-${generation}`,
      entries: new Map(),
      dirty: false,
    };
    own.set(id, doc);
    // Keep a bounded window: written documents of the least recently used folders go (as for
    // the folders read: at most `cachedFolders`, and down to two above `cachedEntries`).
    let held = 0;
    for (const kept of own.values()) held += kept.entries.size;
    for (const [oldId, old] of own) {
      if (own.size <= cachedFolders && (own.size <= 2 || held <= cachedEntries)) break;
      if (old === doc || old.dirty || old.writing || pending.has(old)) continue;
      own.delete(oldId);
      held -= old.entries.size;
      generations.set(oldId, (generations.get(oldId) ?? 0) + 1);
    }
    return doc;
  }

  /**
   * Write this writer's document of a folder. Calls for one folder are serialised and
   * coalesced: a call made while a write runs waits for it, then writes once more with
   * everything recorded since. A failed write is logged and left for the next flush.
   */
  async function writeFolder(doc: OwnDocument, opOptions: OperationOptions): Promise<void> {
    doc.dirty = true;
    while (doc.dirty) {
      if (doc.writing) {
        await doc.writing;
        continue;
      }
      doc.dirty = false;
      let written = true;
      const entries = [...doc.entries.values()];
      const body = utf8.encode(
        `${JSON.stringify({ format: FACTS_FORMAT, folder: doc.folder, writer, entries })}\n`,
      );
      const key = factsKeyFor(factsFolderId(hasher, doc.folder), doc.name);
      doc.writing = store
        .putObject(doc.bucket, key, body, {
          ...opOptions,
          contentType: "application/json",
          contentLength: body.length,
        })
        .then(
          () => {
            // Readers of this client that took the index's list before find it there too.
            void catalogs.get(doc.bucket)?.list?.then((list) => {
              const id = factsFolderId(hasher, doc.folder);
              const keys = list?.get(id);
              if (keys === undefined) list?.set(id, [key]);
              else if (!keys.includes(key)) keys.push(key);
            });
          },
          (error: unknown) => {
            written = false;
            log.log("debug", "object facts index not written", {
              bucket: doc.bucket,
              folder: doc.folder,
              error: error instanceof Error ? error.message : String(error),
            });
          },
        );
      try {
        await doc.writing;
      } finally {
        doc.writing = undefined;
      }
      if (!written) {
        doc.dirty = true;
        pending.add(doc);
        return;
      }
    }
  }

  return {
    async lookup(bucket, object, opOptions = {}) {
      if (object.etag === undefined) return undefined;
      return matchIn(await folderFacts(bucket, owningDeltaspaceOf(object.key), opOptions), object);
    },
    async folder(bucket, folder, opOptions = {}) {
      const read = await folderFacts(bucket, folder, opOptions);
      return { match: (object) => matchIn(read, object) };
    },
    preload(bucket, objects, opOptions = {}) {
      const folders = new Set<string>();
      for (const object of objects) {
        if (object.etag === undefined) continue;
        if (!isReferenceKey(object.key) && !object.key.endsWith(DELTA_SUFFIX)) continue;
        folders.add(owningDeltaspaceOf(object.key));
        if (folders.size >= Math.max(1, Math.floor(cachedFolders / 2))) break;
      }
      for (const folder of folders) {
        folderFacts(bucket, folder, opOptions).catch(() => undefined);
      }
    },
    record(bucket, facts) {
      const folder = owningDeltaspaceOf(facts.key);
      const entry: FactsEntry = { ...facts, recordedAt: now().toISOString() };
      const doc = ownDocument(bucket, folder);
      doc.entries.delete(facts.key);
      doc.entries.set(facts.key, entry);
      while (doc.entries.size > MAX_ENTRIES_PER_DOCUMENT) {
        doc.entries.delete(doc.entries.keys().next().value as string);
      }
      pending.add(doc);
      // Readers of this client see it at once.
      const id = folderKey(bucket, folder);
      const held = loaded.get(id);
      void held?.then((f) => {
        const found = f.byKey.get(facts.key);
        f.byKey.set(facts.key, found === undefined ? entry : [entry, ...candidatesOf(found)]);
        // A new key counts against the entry budget as the entries read do (a first listing
        // of a bucket without an index records every object it HEADs into folders it read).
        if (found === undefined && loaded.get(id) === held && entriesOf.has(id)) {
          entriesOf.set(id, (entriesOf.get(id) ?? 0) + 1);
          heldEntries += 1;
          evict();
        }
      });
    },
    forget(bucket, storedKeys) {
      for (const key of storedKeys) {
        const folder = owningDeltaspaceOf(key);
        const doc = own.get(folderKey(bucket, folder));
        void loaded.get(folderKey(bucket, folder))?.then((f) => f.byKey.delete(key));
        if (doc?.entries.delete(key)) pending.add(doc);
      }
    },
    async dropFolder(bucket, folder, opOptions = {}) {
      const id = folderKey(bucket, folder);
      const doc = own.get(id);
      if (doc) {
        pending.delete(doc);
        own.delete(id);
        // A write under way may land after the delete: later ones use another name.
        generations.set(id, (generations.get(id) ?? 0) + 1);
        await doc.writing;
      }
      unload(id);
      const prefix = factsFolderPrefixFor(factsFolderId(hasher, folder));
      try {
        let token: string | undefined;
        do {
          const page = await store.listObjects(bucket, {
            ...opOptions,
            prefix,
            ...(token === undefined ? {} : { continuationToken: token }),
          });
          const keys = page.objects.map((o) => o.key);
          if (keys.length > 0) await store.deleteObjects(bucket, keys, opOptions);
          token = page.nextContinuationToken;
        } while (token !== undefined);
      } catch (error) {
        if (opOptions.signal?.aborted) throw error;
        log.log("debug", "object facts index folder not dropped", { bucket, folder });
      }
    },
    async flush(opOptions = {}) {
      const docs = [...pending];
      pending.clear();
      await Promise.all(docs.map((doc) => writeFolder(doc, opOptions)));
    },
  };
}

/**
 * The facts a HEAD of a stored object gives, keyed by the version the HEAD saw (its ETag and
 * size); `undefined` when the store gives no ETag.
 *
 * @example
 * ```ts
 * const head = await store.headObject("b", "rel/app.zip.delta");
 * const facts = head && factsOfHead(head);
 * ```
 */
export function factsOfHead(head: ObjectInfo): ObjectFacts | undefined {
  if (head.etag === undefined) return undefined;
  const fileSize = readField(head.metadata, "fileSize");
  const sha256 = readField(head.metadata, "fileSha256")?.toLowerCase();
  const refSha256 = readField(head.metadata, "refSha256")?.toLowerCase();
  const name = readField(head.metadata, "originalName");
  return {
    key: head.key,
    etag: head.etag,
    storedSize: head.size,
    name: name ?? baseName(logicalKeyOf(head.key)),
    size: fileSize !== undefined && /^\d+$/.test(fileSize) ? Number(fileSize) : head.size,
    ...(sha256 === undefined ? {} : { sha256 }),
    ...(refSha256 === undefined ? {} : { refSha256 }),
    kind: classifyStoredObject(head.key, head.metadata),
  };
}
