import { randomBytes } from "node:crypto";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  utimes,
} from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  BucketInfo,
  ByteStream,
  DeleteObjectsResult,
  GetObjectResult,
  ListedObject,
  ObjectInfo,
  ObjectStore,
  ObjectTags,
  OperationOptions,
} from "@dg/core";
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  optionalEntry,
  tagCountOf,
  throwIfAborted,
  UnsupportedError,
} from "@dg/core";
import { makeFolder, mapFsError } from "@dg/node";
import { assertBucketName, bucketNameProblem } from "../bucket-name.js";
import { compareUtf8 } from "../utf8-order.js";
import { collectItems, decodeToken, encodeToken, type ListItem, pageItems } from "./dir-listing.js";
import { keyToPath } from "./key-path.js";
import { assertUnchanged } from "./unchanged.js";
import {
  fieldsOfTrailer,
  headersOfTrailer,
  type ObjectFields,
  type ObjectTrailer,
  readBody,
  readObjectFile,
  readObjectFileSync,
  writeObjectFile,
} from "./object-file.js";

export interface DirObjectStoreOptions {
  /** The folder that holds one sub-folder per bucket: a path or a `file:` URL. */
  readonly root: string | URL;
}

const TEMP_PREFIX = ".dg-tmp-";
/** Object files a listing reads between two turns of the event loop. */
const LIST_SLICE = 64;

/**
 * An `ObjectStore` in a local folder (`--endpoint-url file:///path`): one folder per bucket,
 * one file per object holding its body and metadata. Writes are atomic (temporary file,
 * fsync, rename), create-only writes use `link()` so they are atomic across processes, and any
 * S3 key can be stored without reaching outside the folder (see `key-path.ts`).
 *
 * @example
 * ```ts
 * const store = createDirObjectStore({ root: "/data/dg" });
 * await store.createBucket("releases");
 * await store.putObject("releases", "v1/app.zip", bytes, { metadata: { "dg-tool": "x" } });
 * ```
 */
export function createDirObjectStore(options: DirObjectStoreOptions): ObjectStore {
  const root = resolve(
    typeof options.root === "string" && !options.root.startsWith("file:")
      ? options.root
      : fileURLToPath(options.root),
  );

  function bucketDir(bucket: string): string {
    assertBucketName(bucket);
    return join(root, bucket);
  }

  async function bucketExists(bucket: string): Promise<boolean> {
    try {
      return (await stat(bucketDir(bucket))).isDirectory();
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return false;
      throw mapFsError(error, { action: "look up bucket", path: bucket });
    }
  }

  async function requireBucket(bucket: string): Promise<string> {
    if (!(await bucketExists(bucket))) throw missingBucket(bucket);
    return bucketDir(bucket);
  }

  function objectPath(bucket: string, key: string): string {
    return join(bucketDir(bucket), ...keyToPath(key));
  }

  /** Open an object file; `undefined` when the key (not the bucket) is missing. */
  async function openObject(bucket: string, key: string): Promise<FileHandle | undefined> {
    const path = objectPath(bucket, key);
    try {
      return await open(path, "r");
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") {
        throw mapFsError(error, { action: "open", path: `s3://${bucket}/${key}` });
      }
      if (!(await bucketExists(bucket))) throw missingBucket(bucket);
      return undefined;
    }
  }

  async function describe(
    handle: FileHandle,
    bucket: string,
    key: string,
  ): Promise<{ info: ObjectInfo; trailer: ObjectTrailer }> {
    const { trailer, bodySize, lastModified } = await readObjectFile(
      handle,
      `s3://${bucket}/${key}`,
    );
    const info: ObjectInfo = {
      key,
      size: bodySize,
      lastModified,
      etag: trailer.etag,
      ...optionalEntry("contentType", trailer.contentType),
      metadata: { ...trailer.metadata },
      ...optionalEntry("headers", headersOfTrailer(trailer)),
      ...optionalEntry("tagCount", tagCountOf(trailer.tags)),
    };
    return { info, trailer };
  }

  async function infoOf(handle: FileHandle, bucket: string, key: string): Promise<ObjectInfo> {
    return (await describe(handle, bucket, key)).info;
  }

  /** The trailer of an object, the handle closed again; `NotFoundError` when it is missing. */
  async function trailerOf(bucket: string, key: string): Promise<ObjectTrailer> {
    const handle = await openObject(bucket, key);
    if (!handle) throw missingKey(bucket, key);
    try {
      return (await describe(handle, bucket, key)).trailer;
    } catch (error) {
      throw mapFsError(error, { action: "read", path: `s3://${bucket}/${key}` });
    } finally {
      await handle.close();
    }
  }

  /**
   * Write an object file under a temporary name and publish it with `rename` (or `link` for
   * create-only writes). Returns the new trailer.
   */
  async function publish(
    bucket: string,
    key: string,
    body: ByteStream | Uint8Array,
    fields: ObjectFields,
    options: {
      ifNoneMatch?: boolean;
      signal?: AbortSignal;
      mtime?: Date;
      /** Publish only if the file under the key is still this one (same inode): a rewrite. */
      replacing?: { dev: number; ino: number };
    },
  ): Promise<ObjectTrailer> {
    const where = `s3://${bucket}/${key}`;
    const finalPath = objectPath(bucket, key);
    const dir = await requireBucket(bucket);
    let temp: { handle: FileHandle; path: string } | undefined;
    try {
      temp = await createTemp(finalPath);
      const { trailer } = await writeObjectFile(temp.handle, body, fields, options.signal);
      await temp.handle.close();
      throwIfAborted(options.signal);
      if (options.mtime) await utimes(temp.path, options.mtime, options.mtime);
      if (options.ifNoneMatch) {
        // link() fails with EEXIST when the name exists: atomic, across processes too.
        try {
          await link(temp.path, finalPath);
        } catch (error) {
          if ((error as { code?: string }).code === "EEXIST") {
            throw new ConflictError(`Object already exists: ${where}`, {
              hint: "Another writer created it first; read theirs instead.",
            });
          }
          throw error;
        }
        await unlink(temp.path);
      } else {
        if (options.replacing) await assertUnchanged(finalPath, options.replacing, where);
        await rename(temp.path, finalPath);
      }
      temp = undefined;
      await fsyncDir(dirname(finalPath));
      return trailer;
    } catch (error) {
      if (temp) {
        await temp.handle.close().catch(() => undefined);
        await unlink(temp.path).catch(() => undefined);
        await pruneFolders(dirname(temp.path), dir);
      }
      throw mapFsError(error, { action: "write", path: where });
    }
  }

  /**
   * Rewrite an object file with another tag set: the body is streamed into a new file with the
   * same trailer otherwise (same ETag, same modification time), published atomically.
   */
  async function retag(bucket: string, key: string, tags: ObjectTags, signal?: AbortSignal) {
    const handle = await openObject(bucket, key);
    if (!handle) throw missingKey(bucket, key);
    try {
      const { info, trailer } = await describe(handle, bucket, key).catch((error: unknown) => {
        throw mapFsError(error, { action: "read", path: `s3://${bucket}/${key}` });
      });
      const { dev, ino } = await handle.stat();
      const body = readBody(handle, 0, info.size - 1, signal);
      await publish(
        bucket,
        key,
        body,
        { ...fieldsOfTrailer(trailer), tags },
        {
          mtime: info.lastModified,
          replacing: { dev, ino },
          ...(signal ? { signal } : {}),
        },
      );
    } finally {
      await handle.close();
    }
  }

  /** A listing entry; `undefined` when the object was deleted since the walk. */
  function listedObject(bucket: string, item: ListItem): ListedObject | undefined {
    const { key, file } = item;
    // The walk's folder is a normalised path and the name a single component: no join needed.
    const path = file ? `${file.dir}${sep}${file.name}` : objectPath(bucket, key);
    const read = readObjectFileSync(path, `s3://${bucket}/${key}`);
    if (!read) return undefined;
    return { key, size: read.bodySize, lastModified: read.lastModified, etag: read.trailer.etag };
  }

  /** Create a temporary file beside `finalPath`, making its folders (again, if pruned). */
  async function createTemp(finalPath: string): Promise<{ handle: FileHandle; path: string }> {
    const dir = dirname(finalPath);
    for (let attempt = 0; ; attempt++) {
      await makeFolder(dir, { action: "create the object's folder" });
      const path = join(dir, `${TEMP_PREFIX}${randomBytes(12).toString("hex")}`);
      try {
        return { handle: await open(path, "wx", 0o644), path };
      } catch (error) {
        // A concurrent delete removed the (empty) folder between mkdir and open: make it again.
        if ((error as { code?: string }).code !== "ENOENT" || attempt >= 10) throw error;
      }
    }
  }

  async function fsyncDir(dir: string): Promise<void> {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Remove the empty folders a deleted object leaves behind, up to the bucket folder. */
  async function pruneFolders(from: string, stopAt: string): Promise<void> {
    let dir = from;
    while (dir.length > stopAt.length && dir.startsWith(stopAt)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): stop
      }
      dir = dirname(dir);
    }
  }

  const store: ObjectStore = {
    description: `dir ${root}`,

    async headObject(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      const handle = await openObject(bucket, key);
      if (!handle) return undefined;
      try {
        return await infoOf(handle, bucket, key);
      } catch (error) {
        throw mapFsError(error, { action: "read", path: `s3://${bucket}/${key}` });
      } finally {
        await handle.close();
      }
    },

    async getObject(bucket, key, opts = {}): Promise<GetObjectResult> {
      throwIfAborted(opts.signal);
      const handle = await openObject(bucket, key);
      if (!handle) throw missingKey(bucket, key);
      try {
        const info = await infoOf(handle, bucket, key);
        let start = 0;
        let end = info.size - 1;
        if (opts.range) {
          start = opts.range.start;
          end = Math.min(end, opts.range.end ?? end);
          if (start < 0 || (start >= info.size && info.size > 0) || end < start - 1) {
            throw new InvalidArgumentError(
              `Range start ${start} is outside s3://${bucket}/${key} (${info.size} bytes)`,
            );
          }
        }
        return { info, body: readBody(handle, start, end, opts.signal) };
      } catch (error) {
        await handle.close();
        throw mapFsError(error, { action: "read", path: `s3://${bucket}/${key}` });
      }
    },

    async putObject(bucket, key, body, opts = {}) {
      throwIfAborted(opts.signal);
      const fields: ObjectFields = {
        metadata: lowerKeys(opts.metadata),
        ...optionalEntry("contentType", opts.contentType),
        ...optionalEntry("headers", opts.headers),
        ...optionalEntry("tags", opts.tags),
      };
      const trailer = await publish(bucket, key, body, fields, {
        ...(opts.ifNoneMatch ? { ifNoneMatch: true } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return { etag: trailer.etag };
    },

    async listObjects(bucket, opts = {}) {
      throwIfAborted(opts.signal);
      const dir = await requireBucket(bucket);
      const maxKeys = Math.max(1, Math.min(1000, opts.maxKeys ?? 1000));
      const after =
        opts.continuationToken !== undefined
          ? decodeToken(opts.continuationToken)
          : (opts.startAfter ?? "");
      const scope = { prefix: opts.prefix ?? "", delimiter: opts.delimiter || undefined, after };
      try {
        // The page's entries and one more (to know whether more follow); collected again with
        // a higher limit in the rare case where keys rolled up by the delimiter used them up.
        let limit = maxKeys + 1;
        let page: ReturnType<typeof pageItems>;
        while (true) {
          const { items, complete } = await collectItems(dir, scope, limit);
          page = pageItems(items, scope, maxKeys);
          if (complete || page.last !== undefined) break;
          limit *= 4;
        }
        // A few blocking calls per entry (see readObjectFileSync), in slices, so that a
        // page of 1,000 never holds the event loop for long.
        const listed: (ListedObject | undefined)[] = [];
        for (let at = 0; at < page.objects.length; at += LIST_SLICE) {
          if (at > 0) await new Promise((resume) => setImmediate(resume));
          throwIfAborted(opts.signal);
          const end = Math.min(at + LIST_SLICE, page.objects.length);
          for (let i = at; i < end; i++) {
            listed.push(listedObject(bucket, page.objects[i] as ListItem));
          }
        }
        const objects = listed.filter((object) => object !== undefined);
        return {
          objects,
          commonPrefixes: page.commonPrefixes,
          ...(page.last === undefined ? {} : { nextContinuationToken: encodeToken(page.last) }),
        };
      } catch (error) {
        throw mapFsError(error, { action: "list bucket", path: bucket });
      }
    },

    async deleteObject(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      const dir = await requireBucket(bucket);
      const path = objectPath(bucket, key);
      try {
        await unlink(path);
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return;
        throw mapFsError(error, { action: "delete", path: `s3://${bucket}/${key}` });
      }
      await pruneFolders(dirname(path), dir);
    },

    async deleteObjects(bucket, keys, opts?: OperationOptions): Promise<DeleteObjectsResult> {
      throwIfAborted(opts?.signal);
      await requireBucket(bucket);
      const deleted: string[] = [];
      const errors: { key: string; error: Error }[] = [];
      for (let at = 0; at < keys.length; at += 16) {
        throwIfAborted(opts?.signal);
        await Promise.all(
          keys.slice(at, at + 16).map(async (key) => {
            try {
              await store.deleteObject(bucket, key);
              deleted.push(key);
            } catch (error) {
              errors.push({ key, error: error as Error });
            }
          }),
        );
      }
      return { deleted, errors };
    },

    async copyObject(sb, sk, db, dk, opts = {}) {
      throwIfAborted(opts.signal);
      const handle = await openObject(sb, sk);
      if (!handle) throw missingKey(sb, sk);
      try {
        const { info, trailer } = await describe(handle, sb, sk).catch((error: unknown) => {
          throw mapFsError(error, { action: "read", path: `s3://${sb}/${sk}` });
        });
        const kept = fieldsOfTrailer(trailer);
        const fields: ObjectFields = {
          metadata: opts.metadata ? lowerKeys(opts.metadata) : kept.metadata,
          ...optionalEntry("contentType", opts.contentType ?? kept.contentType),
          ...optionalEntry("headers", opts.headers ?? kept.headers),
          ...optionalEntry("tags", opts.tags ?? kept.tags),
        };
        const body = readBody(handle, 0, info.size - 1, opts.signal);
        const written = await publish(
          db,
          dk,
          body,
          fields,
          opts.signal ? { signal: opts.signal } : {},
        );
        return { etag: written.etag };
      } finally {
        await handle.close();
      }
    },

    async getObjectTagging(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      return { ...(await trailerOf(bucket, key)).tags };
    },

    async putObjectTagging(bucket, key, tags, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      await retag(bucket, key, tags, opts?.signal);
    },

    async deleteObjectTagging(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      await retag(bucket, key, {}, opts?.signal);
    },

    async createBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      const dir = bucketDir(bucket);
      try {
        await makeFolder(root, { action: "create the store's folder" });
        await mkdir(dir);
      } catch (error) {
        if ((error as { code?: string }).code === "EEXIST") {
          throw new ConflictError(`Bucket already exists: ${bucket}`);
        }
        throw mapFsError(error, { action: "create bucket", path: bucket });
      }
    },

    async deleteBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      const dir = await requireBucket(bucket);
      const page = await store.listObjects(bucket, { maxKeys: 1 });
      if (page.objects.length > 0 || page.commonPrefixes.length > 0) {
        throw new ConflictError(`Bucket not empty: ${bucket}`, {
          hint: "Remove its objects first (rm -r), then the bucket.",
        });
      }
      // Only empty folders and stray temporary files are left.
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
        throw mapFsError(error, { action: "delete bucket", path: bucket });
      });
    },

    async listBuckets(opts?: OperationOptions): Promise<readonly BucketInfo[]> {
      throwIfAborted(opts?.signal);
      let entries: string[];
      try {
        entries = await readdir(root);
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return [];
        throw mapFsError(error, { action: "list the buckets in the store folder", path: root });
      }
      const buckets: BucketInfo[] = [];
      for (const name of entries.sort(compareUtf8)) {
        if (bucketNameProblem(name) !== undefined) continue;
        const info = await stat(join(root, name)).catch(() => undefined);
        if (info?.isDirectory()) {
          buckets.push({ name, creationDate: info.birthtimeMs > 0 ? info.birthtime : info.mtime });
        }
      }
      return buckets;
    },

    async headBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      if (bucketNameProblem(bucket) !== undefined) return false;
      return bucketExists(bucket);
    },

    capabilities: {
      // A local folder has no ACLs: the local user owns it (the file system's permissions
      // protect it), and there is nothing to change. It has no URLs to presign either.
      acl: {
        async getBucketAcl(bucket, opts?: OperationOptions) {
          if (!(await store.headBucket(bucket, opts))) throw missingBucket(bucket);
          return {
            owner: LOCAL_OWNER,
            grants: [
              { grantee: { type: "CanonicalUser", ...LOCAL_OWNER }, permission: "FULL_CONTROL" },
            ],
          };
        },
        async putBucketAcl() {
          throw new UnsupportedError(
            `putBucketAcl needs an S3 endpoint; this client stores in ${store.description}`,
            {
              hint: "A local directory has no ACLs: its files are protected by the file system's permissions (chmod).",
            },
          );
        },
      },
    },
  };
  return store;
}

/** The owner a local folder's ACL names. */
const LOCAL_OWNER = { id: "local", displayName: "local" } as const;

function lowerKeys(metadata: Readonly<Record<string, string>> | undefined) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function missingBucket(bucket: string): NotFoundError {
  return new NotFoundError(`Bucket not found: ${bucket}`, {
    hint: "Check the bucket name, or create it first (the store is a local folder).",
  });
}

function missingKey(bucket: string, key: string): NotFoundError {
  return new NotFoundError(`Object not found: s3://${bucket}/${key}`);
}
