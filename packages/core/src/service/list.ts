import {
  DELTA_SUFFIX,
  isExtraReferenceKey,
  isExtraReferencesPrefix,
  isReferenceKey,
  logicalKeyOf,
  owningDeltaspaceOf,
} from "../domain/deltaspace.js";
import { INTERNAL_PREFIX } from "../domain/internal-folder.js";
import { classifyStoredObject, readField, type StoredObjectKind } from "../domain/metadata.js";
import { compareKeys } from "../util/bytes.js";
import { readAhead } from "../util/pipeline.js";
import type { OperationOptions } from "../ports/common.js";
import type { ListedObject, ListObjectsPage } from "../ports/object-store.js";
import { mapLimit, type ServiceContext } from "./context.js";
import { type FolderFacts, factsOfHead } from "./facts-index.js";
import type { ListAllOptions, ListOptions, ListResult, LogicalListedObject } from "./types.js";

/**
 * One page of the logical view of a bucket: references and `.deltaglider/` objects hidden,
 * `x.delta` shown as `x` with its original size. Pages follow the store's pagination, so a
 * page may hold fewer than `maxKeys` entries once internal keys are dropped.
 */
export async function listObjects(
  ctx: ServiceContext,
  bucket: string,
  options: ListOptions = {},
): Promise<ListResult> {
  return describePage(ctx, bucket, await storedPage(ctx, bucket, options), options);
}

/**
 * One page of the store's listing; its folders' index documents are requested as soon as it
 * arrives (when original sizes are wanted), while the page before it may still be described.
 */
async function storedPage(
  ctx: ServiceContext,
  bucket: string,
  options: ListOptions,
): Promise<ListObjectsPage> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  const page = await ctx.store.listObjects(bucket, {
    ...opOptions,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.continuationToken === undefined
      ? {}
      : { continuationToken: options.continuationToken }),
    ...(options.startAfter === undefined && options.afterStoredKey === undefined
      ? {}
      : { startAfter: options.afterStoredKey ?? options.startAfter }),
    ...(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys }),
  });
  if ((options.originalSizes ?? true) && ctx.factsIndex !== false) {
    ctx.factsIndex.preload(bucket, page.objects, opOptions);
  }
  return page;
}

/** What a listed object is, as far as a listing needs to know. */
interface KnownObject {
  readonly kind: StoredObjectKind;
  readonly size: number;
}

/** The logical view of one page of the store's listing (see {@link listObjects}). */
async function describePage(
  ctx: ServiceContext,
  bucket: string,
  page: ListObjectsPage,
  options: ListOptions,
): Promise<ListResult> {
  const opOptions = options.signal ? { signal: options.signal } : {};
  const originalSizes = options.originalSizes ?? true;
  const visible = page.objects.filter(
    (o) => !o.key.startsWith(INTERNAL_PREFIX) && !isExtraReferenceKey(o.key),
  );
  // With metadata lookups, a `.delta` or `reference.bin` key that carries no deltaglider
  // metadata is someone else's object and is listed under its own name, as it is.
  const known = originalSizes ? await knownObjects(ctx, bucket, visible, opOptions) : [];
  const objects: LogicalListedObject[] = [];
  for (const [i, o] of visible.entries()) {
    const kind = known[i]?.kind;
    if (kind === "reference" || (isReferenceKey(o.key) && !originalSizes)) continue;
    const isDelta = o.key.endsWith(DELTA_SUFFIX) && (kind === undefined || kind === "delta");
    const key = isDelta ? logicalKeyOf(o.key) : o.key;
    if (options.startAfter !== undefined && compareKeys(key, options.startAfter) <= 0) continue;
    objects.push({
      key,
      storedKey: o.key,
      size: isDelta && known[i] !== undefined ? (known[i] as KnownObject).size : o.size,
      storedSize: o.size,
      lastModified: o.lastModified,
      ...(o.etag === undefined ? {} : { etag: o.etag }),
      isDelta,
    });
  }
  return {
    objects,
    commonPrefixes: page.commonPrefixes.filter(
      (p) => !p.startsWith(INTERNAL_PREFIX) && !isExtraReferencesPrefix(p),
    ),
    ...(page.nextContinuationToken === undefined
      ? {}
      : { nextContinuationToken: page.nextContinuationToken }),
  };
}

/**
 * What each `.delta` and `reference.bin` object of a page is (by position; others are left
 * out): from the facts index when an entry matches this very version (key, ETag, stored size),
 * else from a HEAD, whose facts are then recorded. The index is asked once per folder of the
 * page and matched synchronously, so a page of indexed deltas costs no promise per object;
 * only the objects it does not know are HEADed, `metadataConcurrency` at once.
 */
async function knownObjects(
  ctx: ServiceContext,
  bucket: string,
  objects: readonly ListedObject[],
  opOptions: OperationOptions,
): Promise<(KnownObject | undefined)[]> {
  const facts = ctx.factsIndex === false ? undefined : ctx.factsIndex;
  const named = (o: ListedObject) => isReferenceKey(o.key) || o.key.endsWith(DELTA_SUFFIX);
  const folders = new Map<string, FolderFacts | undefined>();
  if (facts) {
    for (const o of objects) {
      if (o.etag !== undefined && named(o)) folders.set(owningDeltaspaceOf(o.key), undefined);
    }
    await mapLimit([...folders.keys()], ctx.metadataConcurrency, async (folder) => {
      folders.set(folder, await facts.folder(bucket, folder, opOptions));
    });
  }
  const known = new Array<KnownObject | undefined>(objects.length);
  const unknown: number[] = [];
  for (const [i, o] of objects.entries()) {
    if (!named(o)) continue;
    const recorded = o.etag === undefined ? undefined : folders.get(owningDeltaspaceOf(o.key));
    const match = recorded?.match(o);
    if (match) known[i] = match;
    else unknown.push(i);
  }
  await mapLimit(unknown, ctx.metadataConcurrency, async (i) => {
    const o = objects[i] as ListedObject;
    const head = await ctx.store.headObject(bucket, o.key, opOptions);
    if (!head) return;
    const fromHead = factsOfHead(head);
    if (fromHead) facts?.record(bucket, fromHead);
    const size = readField(head.metadata, "fileSize");
    known[i] = {
      kind: classifyStoredObject(o.key, head.metadata),
      size: size !== undefined && /^\d+$/.test(size) ? Number(size) : o.size,
    };
  });
  // What the HEADs taught goes to the index once per page (one write per folder touched).
  await facts?.flush(opOptions);
  return known;
}

/**
 * Pages a listing walks one after another before the rest is walked folder by folder side by
 * side: most listings end within a few pages, where listing the folders first costs more
 * requests than it saves; a long one gains from requests in parallel (see ADR 0002).
 */
export const PARALLEL_AFTER_PAGES = 25;

/**
 * Every logical object under a prefix, in the order of one paginated walk, holding a bounded
 * window: the next page is requested while the current one is described (its deltas HEADed).
 * With `folderConcurrency` above 1 (and no delimiter), a walk still going after
 * `parallelAfterPages` pages walks the rest folder by folder, side by side (see
 * {@link walkFolders}).
 */
export async function* listAll(
  ctx: ServiceContext,
  bucket: string,
  options: ListAllOptions = {},
): AsyncIterable<LogicalListedObject> {
  for await (const page of listAllPages(ctx, bucket, options)) yield* page;
}

/**
 * {@link listAll} a page at a time (the same objects in the same order, in runs of up to a
 * page): a caller that goes through them synchronously pays one turn of async iteration per
 * page instead of one per object.
 */
export async function* listAllPages(
  ctx: ServiceContext,
  bucket: string,
  options: ListAllOptions = {},
): AsyncGenerator<readonly LogicalListedObject[], void, undefined> {
  const { folderConcurrency, parallelAfterPages, ...listOptions } = options;
  const concurrency = folderConcurrency ?? 1;
  if (concurrency <= 1 || listOptions.delimiter !== undefined) {
    for await (const page of readAhead(listPagesOf(ctx, bucket, listOptions))) {
      if (page.objects.length > 0) yield page.objects;
    }
    return;
  }
  const switchAfter = parallelAfterPages ?? PARALLEL_AFTER_PAGES;
  // One paginated walk first; a walk still going after `switchAfter` pages goes on side by side
  // from the last stored key it listed.
  let after: string | undefined;
  if (switchAfter > 0) {
    const walk = storedWalk(ctx, bucket, listOptions, switchAfter);
    for await (const { page, resumeAfter } of readAhead(walk)) {
      if (page.objects.length > 0) yield page.objects;
      after = resumeAfter;
    }
    if (after === undefined) return;
  }
  yield* walkFolders(ctx, bucket, listOptions, concurrency, after);
}

/** The pages of one paginated logical listing, following continuation tokens to the end. */
async function* listPagesOf(
  ctx: ServiceContext,
  bucket: string,
  options: Omit<ListOptions, "continuationToken">,
): AsyncGenerator<ListResult, void, undefined> {
  for await (const { page } of storedWalk(ctx, bucket, options)) yield page;
}

/**
 * One paginated walk, described page by page: the store's next page is requested as soon as
 * the current one arrives (its LIST runs while the current page is described). With
 * `stopAfterPages`, a walk that is still going after that many pages stops there, and its
 * last page says which stored key the rest starts after.
 */
async function* storedWalk(
  ctx: ServiceContext,
  bucket: string,
  options: Omit<ListOptions, "continuationToken">,
  stopAfterPages = Number.POSITIVE_INFINITY,
): AsyncGenerator<{ readonly page: ListResult; readonly resumeAfter?: string }, void, undefined> {
  let pages = 0;
  let next: Promise<ListObjectsPage> | undefined = storedPage(ctx, bucket, options);
  try {
    while (next !== undefined) {
      const stored: ListObjectsPage = await next;
      next = undefined;
      pages += 1;
      const token = stored.nextContinuationToken;
      const last = stored.objects.at(-1)?.key;
      const stopping = token !== undefined && pages >= stopAfterPages && last !== undefined;
      if (token !== undefined && !stopping) {
        next = storedPage(ctx, bucket, { ...options, continuationToken: token });
        next.catch(() => undefined);
      }
      const page = await describePage(ctx, bucket, stored, options);
      yield stopping ? { page, resumeAfter: last } : { page };
    }
  } finally {
    // An early exit waits for the page requested ahead, so no request is left unobserved.
    await next?.catch(() => undefined);
  }
}

/** Pages of a folder walk buffered ahead of the reader. */
const PAGES_AHEAD_PER_FOLDER = 2;

/** Nested levels a walk goes down while a level holds a single folder and nothing else. */
const MAX_DESCENT = 4;

/** A run of a level's own objects, or one of its folders, in key order. */
type Segment =
  | { readonly objects: readonly LogicalListedObject[] }
  | { readonly folder: string; readonly after?: string; walker?: BufferedPages };

/**
 * Parallel listing, as s5cmd does for buckets with many folders: the level under the prefix is
 * listed with a `/` delimiter, and each of its folders is then walked whole (no delimiter),
 * up to `concurrency` folders at once, each buffering at most {@link PAGES_AHEAD_PER_FOLDER}
 * pages. Pages come out in the order of a single walk: the level's objects and folders are
 * merged by key (a folder's keys all sort where its prefix sorts among the level's own keys),
 * and a folder's pages are handed out only after everything before it. A level that holds a
 * single folder and nothing else is descended into, so `releases/<many folders>/` spreads too.
 */
export async function* walkFolders(
  ctx: ServiceContext,
  bucket: string,
  options: Omit<ListOptions, "continuationToken" | "delimiter">,
  concurrency: number,
  after?: string,
): AsyncGenerator<readonly LogicalListedObject[], void, undefined> {
  // A pump lists the level ahead of the reader and starts the walks of its folders, at most
  // `concurrency` at once and a bounded queue ahead; the reader hands the queue out in order.
  const queue: Segment[] = [];
  const changed = createSignal();
  const maxQueued = 2 * concurrency + 2;
  let walking = 0;
  let closed = false;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let current: BufferedPages | undefined;
  const pump = (async () => {
    try {
      const level = levelSegments(ctx, bucket, options, options.prefix ?? "", 0, after);
      for await (const segment of level) {
        while (
          !closed &&
          (queue.length >= maxQueued || ("folder" in segment && walking >= concurrency))
        ) {
          await changed.wait();
        }
        if (closed) break;
        if ("folder" in segment) {
          segment.walker = bufferPages(
            folderPages(ctx, bucket, options, segment.folder, segment.after),
          );
          walking += 1;
        }
        queue.push(segment);
        changed.notify();
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      changed.notify();
    }
  })();
  try {
    while (true) {
      const segment = queue.shift();
      if (segment === undefined) {
        if (failure) throw failure.error;
        if (ended) return;
        await changed.wait();
        continue;
      }
      changed.notify();
      if ("objects" in segment) {
        if (segment.objects.length > 0) yield segment.objects;
        continue;
      }
      current = segment.walker as BufferedPages;
      for await (const page of current.pages()) if (page.length > 0) yield page;
      current = undefined;
      walking -= 1;
      changed.notify();
    }
  } finally {
    // An early exit (or a failure) stops the pump and the walks under way, and waits for their
    // requests to settle.
    closed = true;
    changed.notify();
    await pump;
    await current?.close();
    for (const segment of queue.splice(0)) if ("folder" in segment) await segment.walker?.close();
  }
}

/** Wake-ups between a pump and its reader: `wait()` resolves at the next `notify()`. */
function createSignal() {
  let waiters: (() => void)[] = [];
  return {
    wait: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
      }),
    notify() {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}

async function* folderPages(
  ctx: ServiceContext,
  bucket: string,
  options: Omit<ListOptions, "continuationToken" | "delimiter">,
  folder: string,
  after: string | undefined,
): AsyncGenerator<readonly LogicalListedObject[], void, undefined> {
  const walk = listPagesOf(ctx, bucket, {
    ...options,
    prefix: folder,
    ...(after === undefined ? {} : { afterStoredKey: after }),
  });
  // The walk requests its next page ahead, and the folder's buffer holds two described ones.
  for await (const page of walk) {
    yield page.objects;
  }
}

/**
 * One level's objects and folders, in key order, page by page; with `after` (a stored key),
 * only what sorts after it: the folder holding it comes first, walked from there.
 */
async function* levelSegments(
  ctx: ServiceContext,
  bucket: string,
  options: Omit<ListOptions, "continuationToken" | "delimiter">,
  prefix: string,
  depth: number,
  after?: string,
): AsyncGenerator<Segment, void, undefined> {
  // The folder of this level that holds `after`, if any: the level is listed after it whole.
  const slash = after?.startsWith(prefix) ? after.indexOf("/", prefix.length) : -1;
  const within = after !== undefined && slash >= 0 ? after.slice(0, slash + 1) : undefined;
  const levelAfter = within ?? after;
  let first = true;
  const pages = listPagesOf(ctx, bucket, {
    ...options,
    prefix,
    delimiter: "/",
    ...(levelAfter === undefined ? {} : { afterStoredKey: levelAfter }),
  });
  for await (const page of pages) {
    const entries = [
      ...page.objects.map((object) => ({ at: object.storedKey, object })),
      ...page.commonPrefixes.map((folder) => ({ at: folder, folder })),
    ]
      // Stores differ on whether a folder equal to the start is listed: it never is here.
      .filter((entry) => levelAfter === undefined || compareKeys(entry.at, levelAfter) > 0)
      .sort((a, b) => compareKeys(a.at, b.at));
    const only = entries[0];
    if (first && page.nextContinuationToken === undefined && depth < MAX_DESCENT) {
      // A level that holds a single folder and nothing else (or, after a key, nothing but
      // the rest of the folder holding it) is descended into.
      if (within !== undefined && entries.length === 0) {
        yield* levelSegments(ctx, bucket, options, within, depth + 1, after);
        return;
      }
      if (within === undefined && entries.length === 1 && only && "folder" in only) {
        // Every key of the folder sorts after `after` (the folder does).
        yield* levelSegments(ctx, bucket, options, only.folder, depth + 1);
        return;
      }
    }
    if (first && within !== undefined) yield { folder: within, after: after as string };
    first = false;
    let run: LogicalListedObject[] = [];
    for (const entry of entries) {
      if ("object" in entry) {
        run.push(entry.object);
        continue;
      }
      if (run.length > 0) yield { objects: run };
      run = [];
      yield { folder: entry.folder };
    }
    if (run.length > 0) yield { objects: run };
  }
}

/** Pages read ahead into a bounded buffer by a pump of their own. */
interface BufferedPages {
  pages(): AsyncGenerator<readonly LogicalListedObject[], void, undefined>;
  close(): Promise<void>;
}

function bufferPages(
  source: AsyncGenerator<readonly LogicalListedObject[], void, undefined>,
  limit = PAGES_AHEAD_PER_FOLDER,
): BufferedPages {
  const buffer: (readonly LogicalListedObject[])[] = [];
  const changed = createSignal();
  let done = false;
  let closed = false;
  let failure: { error: unknown } | undefined;
  const pump = (async () => {
    try {
      for await (const page of source) {
        if (closed) break;
        buffer.push(page);
        changed.notify();
        while (buffer.length >= limit && !closed) await changed.wait();
        if (closed) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      changed.notify();
    }
  })();
  return {
    async *pages() {
      while (true) {
        const page = buffer.shift();
        if (page !== undefined) {
          changed.notify();
          yield page;
          continue;
        }
        if (failure) throw failure.error;
        if (done) return;
        await changed.wait();
      }
    },
    async close() {
      closed = true;
      changed.notify();
      await pump;
    },
  };
}
