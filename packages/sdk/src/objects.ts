import type { LogicalListedObject, LogicalObjectInfo, PutResult } from "@dg/core";
import {
  IntegrityError,
  InvalidArgumentError,
  isDgError,
  isReferenceKey,
  optionalEntry,
  parseTagging,
  validateHeaders,
} from "@dg/core";
// The field mapping only: importing "@dg/s3" itself would load the AWS SDK for file:// clients.
import { fromS3Headers, toS3Headers } from "@dg/s3/fields";
import { type ClientContext, recoveryOption, signalOption } from "./context.js";
import type {
  CopyObjectInput,
  CopyObjectOutput,
  DeleteObjectInput,
  DeleteObjectOutput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  DeltaGliderInfo,
  GetObjectInput,
  GetObjectOptions,
  GetObjectOutput,
  HeadObjectInput,
  HeadObjectOutput,
  ListAllObjectsInput,
  ListAllObjectsOptions,
  ListedObject,
  ListObjectsV2Input,
  ListObjectsV2Output,
  PutObjectInput,
  PutObjectOutput,
  RequestOptions,
  TransferOptions,
} from "./object-types.js";
import { prepareBody } from "./put-body.js";
import { contentRange, parseRange, resolveRange } from "./range.js";
import { toStreamingBody } from "./streaming-body.js";

/** The savings figures of an upload. */
export function savingsOf(originalSize: number, storedSize: number) {
  if (originalSize === 0) return { savingsPercent: 0, deltaRatio: 1 };
  return {
    savingsPercent: ((originalSize - storedSize) / originalSize) * 100,
    deltaRatio: storedSize / originalSize,
  };
}

export function deltaGliderInfoOf(result: PutResult): DeltaGliderInfo {
  const { savingsPercent, deltaRatio } = savingsOf(result.originalSize, result.storedSize);
  return {
    StorageType: result.storageType,
    StoredKey: result.storedKey,
    OriginalSize: result.originalSize,
    StoredSize: result.storedSize,
    SavingsPercent: savingsPercent,
    DeltaRatio: deltaRatio,
    Sha256: result.sha256,
    ...(result.referenceKey === undefined ? {} : { ReferenceKey: result.referenceKey }),
    ...(result.reason === undefined ? {} : { DirectReason: result.reason }),
  };
}

export async function putObject(
  ctx: ClientContext,
  input: PutObjectInput,
  options: TransferOptions = {},
): Promise<PutObjectOutput> {
  // Bad tags or headers fail before the body is read.
  const headers = fromS3Headers(input);
  validateHeaders(headers);
  const tags = input.Tagging === undefined ? undefined : parseTagging(input.Tagging);
  const prepared = await prepareBody(input.Body, ctx.scratch, options.signal);
  try {
    if (input.ContentLength !== undefined && input.ContentLength !== prepared.body.size) {
      throw new IntegrityError(
        `Body is ${prepared.body.size} bytes but ContentLength says ${input.ContentLength}`,
        { hint: "Leave ContentLength out, or give the body's real size." },
      );
    }
    const result = await ctx.service.put(input.Bucket, input.Key, prepared.body, {
      ...signalOption(options.signal),
      ...(input.Metadata === undefined ? {} : { metadata: input.Metadata }),
      ...(input.ContentType === undefined ? {} : { contentType: input.ContentType }),
      ...optionalEntry("headers", headers),
      ...optionalEntry("tags", tags),
      ...(input.UseDelta === undefined ? {} : { delta: input.UseDelta }),
      ...(input.MaxRatio === undefined ? {} : { maxRatio: input.MaxRatio }),
      ...(input.NewReferenceRatio === undefined
        ? {}
        : { newReferenceRatio: input.NewReferenceRatio }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return {
      ...(result.etag === undefined ? {} : { ETag: result.etag }),
      DeltaGliderInfo: deltaGliderInfoOf(result),
    };
  } finally {
    await prepared.dispose();
  }
}

function headOutputOf(info: LogicalObjectInfo): HeadObjectOutput {
  return {
    ContentLength: info.size,
    ...(info.contentType === undefined ? {} : { ContentType: info.contentType }),
    LastModified: info.lastModified,
    ...(info.etag === undefined ? {} : { ETag: info.etag }),
    ...toS3Headers(info.headers),
    Metadata: { ...info.metadata },
    ...optionalEntry("TagCount", info.tagCount),
    AcceptRanges: "bytes",
    DeltaGliderInfo: {
      StorageType: info.kind,
      StoredKey: info.storedKey,
      StoredSize: info.storedSize,
      OriginalSize: info.size,
      ...(info.sha256 === undefined ? {} : { Sha256: info.sha256 }),
      ...(info.referenceKey === undefined ? {} : { ReferenceKey: info.referenceKey }),
      ...(info.directReason === undefined ? {} : { DirectReason: info.directReason }),
    },
  };
}

export async function headObject(
  ctx: ClientContext,
  input: HeadObjectInput,
  options: RequestOptions = {},
): Promise<HeadObjectOutput> {
  return headOutputOf(
    await ctx.service.head(input.Bucket, input.Key, signalOption(options.signal)),
  );
}

export async function getObject(
  ctx: ClientContext,
  input: GetObjectInput,
  options: GetObjectOptions = {},
): Promise<GetObjectOutput> {
  const opOptions = { ...signalOption(options.signal), ...recoveryOption(options) };
  if (input.Range === undefined) {
    const { info, body } = await ctx.service.get(input.Bucket, input.Key, opOptions);
    return { ...headOutputOf(info), Body: toStreamingBody(body) };
  }
  // The size decides what the range selects, so it is known before anything is read.
  const request = parseRange(input.Range);
  const head = await ctx.service.head(input.Bucket, input.Key, opOptions);
  const range = resolveRange(request, head.size, input.Range);
  const { info, body } = await ctx.service.get(input.Bucket, input.Key, { ...opOptions, range });
  return {
    ...headOutputOf(info),
    ContentLength: range.end - range.start + 1,
    ContentRange: contentRange(range, info.size),
    Body: toStreamingBody(body),
  };
}

const MAX_KEYS = 1000;

export async function listObjectsV2(
  ctx: ClientContext,
  input: ListObjectsV2Input,
  options: RequestOptions = {},
): Promise<ListObjectsV2Output> {
  const maxKeys = input.MaxKeys ?? MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new InvalidArgumentError(`Invalid MaxKeys: ${maxKeys}`);
  }
  const common = {
    Name: input.Bucket,
    ...(input.Prefix === undefined ? {} : { Prefix: input.Prefix }),
    ...(input.Delimiter === undefined ? {} : { Delimiter: input.Delimiter }),
    MaxKeys: maxKeys,
    ...(input.StartAfter === undefined ? {} : { StartAfter: input.StartAfter }),
    ...(input.ContinuationToken === undefined
      ? {}
      : { ContinuationToken: input.ContinuationToken }),
  };
  if (maxKeys === 0) {
    return { ...common, Contents: [], CommonPrefixes: [], KeyCount: 0, IsTruncated: false };
  }
  const page = await ctx.service.list(input.Bucket, {
    ...signalOption(options.signal),
    ...(input.Prefix === undefined ? {} : { prefix: input.Prefix }),
    ...(input.Delimiter === undefined ? {} : { delimiter: input.Delimiter }),
    ...(input.ContinuationToken === undefined
      ? {}
      : { continuationToken: input.ContinuationToken }),
    ...(input.StartAfter === undefined ? {} : { startAfter: input.StartAfter }),
    maxKeys: Math.min(maxKeys, MAX_KEYS),
    originalSizes: input.FetchOriginalSizes ?? true,
  });
  const contents = page.objects.map(listedObjectOf);
  const prefixes = page.commonPrefixes.map((prefix) => ({ Prefix: prefix }));
  return {
    ...common,
    Contents: contents,
    CommonPrefixes: prefixes,
    KeyCount: contents.length + prefixes.length,
    IsTruncated: page.nextContinuationToken !== undefined,
    ...(page.nextContinuationToken === undefined
      ? {}
      : { NextContinuationToken: page.nextContinuationToken }),
  };
}

function listedObjectOf(o: LogicalListedObject): ListedObject {
  return {
    Key: o.key,
    Size: o.size,
    LastModified: o.lastModified,
    ...(o.etag === undefined ? {} : { ETag: o.etag }),
    DeltaGliderInfo: { StoredKey: o.storedKey, StoredSize: o.storedSize, IsDelta: o.isDelta },
  };
}

/** Folders listed side by side by `listAllObjects` unless told otherwise. */
const DEFAULT_FOLDER_CONCURRENCY = 4;

/**
 * Every logical object under a prefix, in key order, as an async iterable that holds a bounded
 * window of the listing (see `DeltaGliderClient.listAllObjects`).
 */
export async function* listAllObjects(
  ctx: ClientContext,
  input: ListAllObjectsInput,
  options: ListAllObjectsOptions = {},
): AsyncGenerator<ListedObject, void, undefined> {
  const folderConcurrency = options.folderConcurrency ?? DEFAULT_FOLDER_CONCURRENCY;
  if (!Number.isInteger(folderConcurrency) || folderConcurrency < 1) {
    throw new InvalidArgumentError(`Invalid folderConcurrency: ${folderConcurrency}`, {
      hint: "Pass a whole number of at least 1 (1 lists page after page).",
    });
  }
  const pages = ctx.service.listAllPages(input.Bucket, {
    ...signalOption(options.signal),
    ...(input.Prefix === undefined || input.Prefix === "" ? {} : { prefix: input.Prefix }),
    originalSizes: input.FetchOriginalSizes ?? true,
    folderConcurrency,
  });
  for await (const page of pages) for (const object of page) yield listedObjectOf(object);
}

export async function deleteObject(
  ctx: ClientContext,
  input: DeleteObjectInput,
  options: RequestOptions = {},
): Promise<DeleteObjectOutput> {
  const result = await ctx.service.deleteMany(
    input.Bucket,
    [input.Key],
    signalOption(options.signal),
  );
  const failure = result.failed.find((f) => f.key === input.Key);
  if (failure) throw failure.error;
  return {
    DeltaGliderInfo: {
      Deleted: result.missing.length === 0,
      DeletedKeys: result.deletedKeys,
      ReferenceDeleted: result.referenceDeleted,
    },
  };
}

/** The S3 error code (as in a `DeleteObjects` response) that stands for an error. */
function s3ErrorCodeOf(error: Error): string {
  if (!isDgError(error)) return "InternalError";
  switch (error.code) {
    case "INVALID_ARGUMENT":
      return "InvalidArgument";
    case "NOT_FOUND":
      return "NoSuchKey";
    case "PERMISSION_DENIED":
      return "AccessDenied";
    case "CONFLICT":
      return "OperationAborted";
    case "UNAVAILABLE":
      return "ServiceUnavailable";
    default:
      return "InternalError";
  }
}

export async function deleteObjects(
  ctx: ClientContext,
  input: DeleteObjectsInput,
  options: RequestOptions = {},
): Promise<DeleteObjectsOutput> {
  const keys = input.Delete.Objects.map((o) => o.Key);
  // References go with their deltaspace's last delta; asking for one is a per-key error.
  const refused = keys.filter((key) => isReferenceKey(key));
  const wanted = [...new Set(keys.filter((key) => !isReferenceKey(key)))];
  const result =
    wanted.length === 0
      ? { deletedKeys: [], referenceDeleted: false, missing: [], failed: [] }
      : await ctx.service.deleteMany(input.Bucket, wanted, signalOption(options.signal));
  // Every key has its own outcome: one that failed does not stop the others.
  const failedKeys = new Set(result.failed.map((f) => f.key));
  return {
    Deleted: input.Delete.Quiet
      ? []
      : wanted.filter((Key) => !failedKeys.has(Key)).map((Key) => ({ Key })),
    Errors: [
      ...refused.map((Key) => ({
        Key,
        Code: "InvalidArgument",
        Message: "References are removed with the last delta of their folder",
      })),
      ...result.failed.map((f) => ({
        Key: f.key,
        Code: s3ErrorCodeOf(f.error),
        Message: f.error.message,
      })),
    ],
    DeltaGliderInfo: {
      DeletedKeys: result.deletedKeys,
      ReferencesDeleted: result.referenceDeleted,
      MissingKeys: result.missing,
    },
  };
}

/**
 * Split an S3 `CopySource` (`bucket/key`, optionally with a leading `/`, the key URL-encoded)
 * into bucket and key.
 *
 * @example
 * ```ts
 * parseCopySource("releases/app%2B1.zip"); // { bucket: "releases", key: "app+1.zip" }
 * ```
 */
export function parseCopySource(copySource: string): { bucket: string; key: string } {
  const text = copySource.startsWith("/") ? copySource.slice(1) : copySource;
  if (/[?&]versionId=/.test(text)) {
    throw new InvalidArgumentError(`Versioned copy sources are not supported: ${copySource}`);
  }
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1) {
    throw new InvalidArgumentError(`Invalid CopySource: ${copySource}`, {
      hint: "Write it as source-bucket/source-key, with the key URL-encoded.",
    });
  }
  let key: string;
  try {
    key = decodeURIComponent(text.slice(slash + 1));
  } catch (error) {
    throw new InvalidArgumentError(`Invalid URL encoding in CopySource: ${copySource}`, {
      cause: error,
    });
  }
  return { bucket: decodeURIComponent(text.slice(0, slash)), key };
}

export async function copyObject(
  ctx: ClientContext,
  input: CopyObjectInput,
  options: TransferOptions = {},
): Promise<CopyObjectOutput> {
  const source = parseCopySource(input.CopySource);
  const replace = (input.MetadataDirective ?? "COPY") === "REPLACE";
  // As in S3: with COPY the fields given are ignored; with REPLACE only they are kept.
  const tags =
    (input.TaggingDirective ?? "COPY") === "REPLACE"
      ? parseTagging(input.Tagging ?? "")
      : undefined;
  const result = await ctx.service.copy(source.bucket, source.key, input.Bucket, input.Key, {
    ...signalOption(options.signal),
    ...(replace
      ? {
          metadata: input.Metadata ?? {},
          contentType: input.ContentType ?? "application/octet-stream",
          headers: fromS3Headers(input) ?? {},
        }
      : {}),
    ...optionalEntry("tags", tags),
    ...(input.UseDelta === undefined ? {} : { delta: input.UseDelta }),
    ...(input.MaxRatio === undefined ? {} : { maxRatio: input.MaxRatio }),
    ...(input.NewReferenceRatio === undefined
      ? {}
      : { newReferenceRatio: input.NewReferenceRatio }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return {
    CopyObjectResult: result.etag === undefined ? {} : { ETag: result.etag },
    DeltaGliderInfo: deltaGliderInfoOf(result),
  };
}
