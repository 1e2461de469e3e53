import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectTaggingCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type {
  BucketInfo,
  DeleteObjectsResult,
  GetObjectResult,
  ListedObject,
  ObjectInfo,
  ObjectStore,
  OperationOptions,
} from "@dg/core";
import { ConflictError, hasCode, NotFoundError, optionalEntry, throwIfAborted } from "@dg/core";
import { checkedBody, stopSocketTimer } from "./checked-body.js";
import { createConditionalWriteProbe } from "./conditional-write-probe.js";
import { mapS3Error, s3ErrorCode } from "./map-s3-error.js";
import { requestSignal } from "./request-signal.js";
import { decodeMetadata, encodeMetadata } from "./metadata-codec.js";
import { copyMultipart } from "./multipart-copy.js";
import { fromS3Headers, fromTagSet, taggingEntry, toS3Headers, toTagSet } from "./object-fields.js";
import { MAX_PART_SIZE } from "./part-size.js";
import { requestEndpoint, withRequestEndpoint } from "./request-endpoint.js";
import { createS3Capabilities } from "./s3-capabilities.js";
import { createS3Client, DEFAULT_READ_TIMEOUT_MS, type S3ConnectionOptions } from "./s3-client.js";
import { putS3Object } from "./s3-put-object.js";

export interface S3ObjectStoreOptions extends S3ConnectionOptions {
  /**
   * A ready client (its own endpoint, credentials, retries, timeouts); the connection options
   * are then ignored, except `readTimeoutMs`, which also bounds each wait of a download body
   * (give the client's). The store adds one middleware to it, which records on outputs and
   * errors the endpoint each request went to, for error messages.
   */
  readonly client?: S3Client;
  /** Bodies larger than this go up as multipart uploads; default 8 MiB. */
  readonly multipartThreshold?: number;
  /** Smallest part of a multipart upload; default 8 MiB (grown for large bodies). */
  readonly partSize?: number;
  /** Parts uploaded (or copied) at once; default 4. */
  readonly queueSize?: number;
  /**
   * How often one download may continue after its connection breaks (a ranged GET of the rest,
   * pinned to the same ETag); default 3. 0: a break fails the body with `UnavailableError`.
   */
  readonly bodyResumes?: number;
  /** Objects larger than this are copied with UploadPartCopy; default (and S3's maximum) 5 GiB. */
  readonly multipartCopyThreshold?: number;
  /** Part size of multipart copies; default 512 MiB. */
  readonly copyPartSize?: number;
  /**
   * `probe` (default): before the first create-only write to a bucket, check once that the
   * store honours `If-None-Match: *` (see `conditional-write-probe.ts`).
   * `trust`: skip the check (AWS S3, or stores known to support it).
   */
  readonly conditionalWrites?: "probe" | "trust";
}

const MiB = 1024 * 1024;

/**
 * An `ObjectStore` on S3 or any S3-compatible endpoint, on `@aws-sdk/client-s3`.
 *
 * @example
 * ```ts
 * const store = createS3ObjectStore({ endpoint: "http://127.0.0.1:9000", region: "us-east-1" });
 * const page = await store.listObjects("releases", { prefix: "v1/", delimiter: "/" });
 * ```
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions = {}): ObjectStore {
  const client = withRequestEndpoint(options.client ?? createS3Client(options));
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const queueSize = options.queueSize ?? 4;
  const putSettings = {
    threshold: options.multipartThreshold ?? 8 * MiB,
    basePart: options.partSize ?? 8 * MiB,
    queueSize,
  };
  const bodyResumes = options.bodyResumes ?? 3;
  const copyThreshold = options.multipartCopyThreshold ?? MAX_PART_SIZE;
  const copyPartSize = options.copyPartSize ?? 512 * MiB;
  const probe =
    options.conditionalWrites === "trust" ? undefined : createConditionalWriteProbe(client);
  const endpoint = options.client ? "(client)" : (options.endpoint ?? "aws");

  function sendOptions(signal: AbortSignal | undefined) {
    return signal ? { abortSignal: requestSignal(signal) } : {};
  }

  async function headRaw(bucket: string, key: string, signal: AbortSignal | undefined) {
    try {
      return await client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key }),
        sendOptions(signal),
      );
    } catch (error) {
      const mapped = mapS3Error(error, { operation: "HeadObject", bucket, key });
      if (mapped.code === "NOT_FOUND") return undefined;
      throw mapped;
    }
  }

  const store: ObjectStore = {
    description: `s3 ${endpoint}`,
    capabilities: createS3Capabilities(client),

    async headObject(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      const head = await headRaw(bucket, key, opts?.signal);
      if (!head) return undefined;
      const info: ObjectInfo = {
        key,
        size: head.ContentLength ?? 0,
        lastModified: head.LastModified ?? new Date(0),
        ...(head.ETag === undefined ? {} : { etag: head.ETag }),
        ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
        metadata: decodeMetadata(head.Metadata),
        ...optionalEntry("headers", fromS3Headers(head)),
        ...optionalEntry("tagCount", head.TagCount || undefined),
      };
      return info;
    },

    async getObject(bucket, key, opts = {}): Promise<GetObjectResult> {
      throwIfAborted(opts.signal);
      const range = opts.range
        ? `bytes=${opts.range.start}-${opts.range.end === undefined ? "" : opts.range.end}`
        : undefined;
      try {
        const response = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }),
          sendOptions(opts.signal),
        );
        const total = /\/(\d+)$/.exec(response.ContentRange ?? "")?.[1];
        const info: ObjectInfo = {
          key,
          size: total !== undefined ? Number(total) : (response.ContentLength ?? 0),
          lastModified: response.LastModified ?? new Date(0),
          ...(response.ETag === undefined ? {} : { etag: response.ETag }),
          ...(response.ContentType === undefined ? {} : { contentType: response.ContentType }),
          metadata: decodeMetadata(response.Metadata),
          ...optionalEntry("headers", fromS3Headers(response)),
          ...optionalEntry("tagCount", response.TagCount || undefined),
        };
        const body = (response.Body ?? emptyBody()) as AsyncIterable<Uint8Array>;
        stopSocketTimer(body);
        const start = opts.range?.start ?? 0;
        const length = response.ContentLength;
        const etag = response.ETag;
        // After a break, fetch the rest of the same version (If-Match) and carry on.
        const resume =
          length !== undefined && etag !== undefined
            ? async (offset: number) => {
                const rest = await client.send(
                  new GetObjectCommand({
                    Bucket: bucket,
                    Key: key,
                    Range: `bytes=${start + offset}-${start + length - 1}`,
                    IfMatch: etag,
                  }),
                  sendOptions(opts.signal),
                );
                stopSocketTimer(rest.Body);
                return {
                  body: (rest.Body ?? emptyBody()) as AsyncIterable<Uint8Array>,
                  contentLength: rest.ContentLength,
                };
              }
            : undefined;
        return {
          info,
          body: checkedBody(
            body,
            length,
            { bucket, key, ...optionalEntry("endpoint", requestEndpoint(response)) },
            {
              ...(opts.signal ? { signal: opts.signal } : {}),
              ...(resume ? { resume } : {}),
              maxResumes: bodyResumes,
              readTimeoutMs,
            },
          ),
        };
      } catch (error) {
        throw mapS3Error(error, { operation: "GetObject", bucket, key });
      }
    },

    async putObject(bucket, key, body, opts = {}) {
      throwIfAborted(opts.signal);
      if (opts.ifNoneMatch && probe) await probe.ensure(bucket, opts.signal);
      return putS3Object(client, putSettings, bucket, key, body, opts);
    },

    async listObjects(bucket, opts = {}) {
      throwIfAborted(opts.signal);
      try {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(opts.prefix ? { Prefix: opts.prefix } : {}),
            ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
            ...(opts.continuationToken ? { ContinuationToken: opts.continuationToken } : {}),
            ...(opts.startAfter ? { StartAfter: opts.startAfter } : {}),
            MaxKeys: Math.max(1, Math.min(1000, opts.maxKeys ?? 1000)),
          }),
          sendOptions(opts.signal),
        );
        const objects: ListedObject[] = (page.Contents ?? []).map((o) => ({
          key: o.Key ?? "",
          size: o.Size ?? 0,
          lastModified: o.LastModified ?? new Date(0),
          ...(o.ETag === undefined ? {} : { etag: o.ETag }),
        }));
        const commonPrefixes = (page.CommonPrefixes ?? []).flatMap((p) =>
          p.Prefix ? [p.Prefix] : [],
        );
        return {
          objects,
          commonPrefixes,
          ...(page.IsTruncated && page.NextContinuationToken
            ? { nextContinuationToken: page.NextContinuationToken }
            : {}),
        };
      } catch (error) {
        throw mapS3Error(error, { operation: "ListObjectsV2", bucket });
      }
    },

    async deleteObject(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      try {
        await client.send(
          new DeleteObjectCommand({ Bucket: bucket, Key: key }),
          sendOptions(opts?.signal),
        );
      } catch (error) {
        const mapped = mapS3Error(error, { operation: "DeleteObject", bucket, key });
        if (mapped.code === "NOT_FOUND" && s3ErrorCode(error) !== "NoSuchBucket") return;
        throw mapped;
      }
    },

    async deleteObjects(bucket, keys, opts?: OperationOptions): Promise<DeleteObjectsResult> {
      throwIfAborted(opts?.signal);
      const deleted: string[] = [];
      const errors: { key: string; error: Error }[] = [];
      for (let at = 0; at < keys.length; at += 1000) {
        const group = keys.slice(at, at + 1000);
        try {
          const result = await client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: group.map((Key) => ({ Key })), Quiet: false },
            }),
            sendOptions(opts?.signal),
          );
          for (const d of result.Deleted ?? []) if (d.Key !== undefined) deleted.push(d.Key);
          for (const e of result.Errors ?? []) {
            const key = e.Key ?? "";
            const error = Object.assign(new Error(e.Message ?? e.Code ?? "delete failed"), {
              name: e.Code ?? "Error",
            });
            errors.push({
              key,
              error: mapS3Error(error, { operation: "DeleteObjects", bucket, key }),
            });
          }
        } catch (error) {
          // Earlier groups are gone already: this group's keys fail, each with the same error.
          throwIfAborted(opts?.signal);
          const mapped = mapS3Error(error, { operation: "DeleteObjects", bucket });
          if (hasCode(mapped, "CANCELLED")) throw mapped;
          for (const key of group) errors.push({ key, error: mapped });
        }
      }
      return { deleted, errors };
    },

    async copyObject(sb, sk, db, dk, opts = {}) {
      throwIfAborted(opts.signal);
      const source = await headRaw(sb, sk, opts.signal);
      if (!source) throw new NotFoundError(`Object not found: s3://${sb}/${sk}`);
      const copySource = `${sb}/${sk.split("/").map(encodeURIComponent).join("/")}`;
      const size = source.ContentLength ?? 0;
      // Metadata COPY by default; REPLACE (keeping what is not given) otherwise: S3's
      // REPLACE drops every header not sent again.
      const replace =
        opts.metadata !== undefined || opts.contentType !== undefined || opts.headers !== undefined;
      const metadata = opts.metadata ? encodeMetadata(opts.metadata) : (source.Metadata ?? {});
      const contentType = opts.contentType ?? source.ContentType;
      const headers = toS3Headers(opts.headers ?? fromS3Headers(source));
      if (size > copyThreshold) {
        // A multipart copy starts a new object: every field is given again, tags included.
        const tags =
          opts.tags ??
          ((source.TagCount ?? 0) > 0 ? await store.getObjectTagging(sb, sk, opts) : undefined);
        return copyMultipart(client, {
          copySource,
          size,
          bucket: db,
          key: dk,
          metadata,
          ...(contentType === undefined ? {} : { contentType }),
          objectFields: { ...headers, ...taggingEntry(tags) },
          partSize: copyPartSize,
          queueSize,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      }
      try {
        const result = await client.send(
          new CopyObjectCommand({
            Bucket: db,
            Key: dk,
            CopySource: copySource,
            MetadataDirective: replace ? "REPLACE" : "COPY",
            ...(replace ? { Metadata: metadata, ...headers } : {}),
            ...(replace && contentType !== undefined ? { ContentType: contentType } : {}),
            ...(opts.tags === undefined
              ? {}
              : {
                  TaggingDirective: "REPLACE" as const,
                  Tagging: taggingEntry(opts.tags).Tagging ?? "",
                }),
          }),
          sendOptions(opts.signal),
        );
        const etag = result.CopyObjectResult?.ETag;
        return etag === undefined ? {} : { etag };
      } catch (error) {
        throw mapS3Error(error, { operation: "CopyObject", bucket: db, key: dk });
      }
    },

    async getObjectTagging(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      try {
        const result = await client.send(
          new GetObjectTaggingCommand({ Bucket: bucket, Key: key }),
          sendOptions(opts?.signal),
        );
        return fromTagSet(result.TagSet);
      } catch (error) {
        throw mapS3Error(error, { operation: "GetObjectTagging", bucket, key });
      }
    },

    async putObjectTagging(bucket, key, tags, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      try {
        await client.send(
          new PutObjectTaggingCommand({
            Bucket: bucket,
            Key: key,
            Tagging: { TagSet: toTagSet(tags) },
          }),
          sendOptions(opts?.signal),
        );
      } catch (error) {
        throw mapS3Error(error, { operation: "PutObjectTagging", bucket, key });
      }
    },

    async deleteObjectTagging(bucket, key, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      try {
        await client.send(
          new DeleteObjectTaggingCommand({ Bucket: bucket, Key: key }),
          sendOptions(opts?.signal),
        );
      } catch (error) {
        throw mapS3Error(error, { operation: "DeleteObjectTagging", bucket, key });
      }
    },

    async createBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      // us-east-1 (and moto) answer 200 when you re-create a bucket you own: check first.
      if (await store.headBucket(bucket, opts)) {
        throw new ConflictError(`Bucket already exists: ${bucket}`, {
          hint: "You own it already.",
        });
      }
      try {
        const region = await client.config.region();
        await client.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(region && region !== "us-east-1"
              ? { CreateBucketConfiguration: { LocationConstraint: region as "eu-west-1" } }
              : {}),
          }),
          sendOptions(opts?.signal),
        );
      } catch (error) {
        throw mapS3Error(error, { operation: "CreateBucket", bucket });
      }
    },

    async deleteBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      try {
        await client.send(new DeleteBucketCommand({ Bucket: bucket }), sendOptions(opts?.signal));
      } catch (error) {
        throw mapS3Error(error, { operation: "DeleteBucket", bucket });
      }
    },

    async listBuckets(opts?: OperationOptions): Promise<readonly BucketInfo[]> {
      throwIfAborted(opts?.signal);
      const buckets: BucketInfo[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListBucketsCommand(token ? { ContinuationToken: token } : {}),
            sendOptions(opts?.signal),
          );
          for (const b of page.Buckets ?? []) {
            if (b.Name) {
              buckets.push({
                name: b.Name,
                ...(b.CreationDate ? { creationDate: b.CreationDate } : {}),
              });
            }
          }
          token = page.ContinuationToken;
        } while (token);
      } catch (error) {
        throw mapS3Error(error, { operation: "ListBuckets" });
      }
      return buckets;
    },

    async headBucket(bucket, opts?: OperationOptions) {
      throwIfAborted(opts?.signal);
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), sendOptions(opts?.signal));
        return true;
      } catch (error) {
        const mapped = mapS3Error(error, { operation: "HeadBucket", bucket });
        if (mapped.code === "NOT_FOUND") return false;
        throw mapped;
      }
    },
  };
  return store;
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
