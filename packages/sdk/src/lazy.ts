import type {
  ByteStream,
  DeltaCodec,
  DeltaDecodeOptions,
  DeltaEncodeOptions,
  DeltaTarget,
  ObjectStore,
  RandomAccessSource,
  ScratchBlob,
  ScratchSpace,
  StoreCapabilities,
} from "@dg/core";
import { InternalError, spool } from "@dg/core";

/**
 * A loader that runs once: every caller gets the same promise. The heavy modules of the client
 * (the AWS SDK, the delta codecs) are imported on first use, so a command that never uploads
 * or never talks to S3 does not pay for loading them.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * An object store that loads the real one on its first call. `description` and the
 * capabilities are known up front (messages name the store, and callers ask what it supports,
 * before anything is loaded).
 *
 * @example
 * ```ts
 * const store = lazyObjectStore("s3 aws", once(async () => (await import("./s3-store.js")).build()));
 * ```
 */
export function lazyObjectStore(
  description: string,
  load: () => Promise<ObjectStore>,
  capabilities?: StoreCapabilities,
): ObjectStore {
  return {
    description,
    ...(capabilities === undefined ? {} : { capabilities }),
    headObject: async (...args) => (await load()).headObject(...args),
    getObject: async (...args) => (await load()).getObject(...args),
    putObject: async (...args) => (await load()).putObject(...args),
    listObjects: async (...args) => (await load()).listObjects(...args),
    deleteObject: async (...args) => (await load()).deleteObject(...args),
    deleteObjects: async (...args) => (await load()).deleteObjects(...args),
    copyObject: async (...args) => (await load()).copyObject(...args),
    createBucket: async (...args) => (await load()).createBucket(...args),
    deleteBucket: async (...args) => (await load()).deleteBucket(...args),
    listBuckets: async (...args) => (await load()).listBuckets(...args),
    headBucket: async (...args) => (await load()).headBucket(...args),
    getObjectTagging: async (...args) => (await load()).getObjectTagging(...args),
    putObjectTagging: async (...args) => (await load()).putObjectTagging(...args),
    deleteObjectTagging: async (...args) => (await load()).deleteObjectTagging(...args),
  };
}

/**
 * Capabilities whose implementation loads on first use: `names` says which exist (the
 * composition root knows what the store it will load supports).
 *
 * @example
 * ```ts
 * const capabilities = lazyCapabilities(["acl"], async () => (await loadStore()).capabilities);
 * ```
 */
export function lazyCapabilities(
  names: readonly (keyof StoreCapabilities)[],
  load: () => Promise<StoreCapabilities | undefined>,
): StoreCapabilities {
  const get = async <K extends keyof StoreCapabilities>(name: K) => {
    const capability = (await load())?.[name];
    if (!capability) throw new InternalError(`The loaded store does not support ${name}`);
    return capability as NonNullable<StoreCapabilities[K]>;
  };
  return {
    ...(names.includes("acl")
      ? {
          acl: {
            getBucketAcl: async (...args) => (await get("acl")).getBucketAcl(...args),
            putBucketAcl: async (...args) => (await get("acl")).putBucketAcl(...args),
          },
        }
      : {}),
    ...(names.includes("presign")
      ? {
          presign: {
            presignGetObject: async (...args) => (await get("presign")).presignGetObject(...args),
            presignPost: async (...args) => (await get("presign")).presignPost(...args),
          },
        }
      : {}),
    ...(names.includes("multipartUploads")
      ? {
          multipartUploads: {
            listMultipartUploads: async (...args) =>
              (await get("multipartUploads")).listMultipartUploads(...args),
            abortMultipartUpload: async (...args) =>
              (await get("multipartUploads")).abortMultipartUpload(...args),
          },
        }
      : {}),
  };
}

/**
 * A delta codec that loads the real one when it first encodes or decodes.
 *
 * @example
 * ```ts
 * const codec = lazyDeltaCodec("builtin", once(async () => (await import("@dg/xdelta")).createXdeltaCodec()));
 * ```
 */
export function lazyDeltaCodec(name: string, load: () => Promise<DeltaCodec>): DeltaCodec {
  return {
    name,
    async *encode(
      source: RandomAccessSource,
      target: DeltaTarget,
      options?: DeltaEncodeOptions,
    ): ByteStream {
      yield* (await load()).encode(source, target, options);
    },
    async encodeToScratch(
      source: RandomAccessSource,
      target: DeltaTarget,
      scratch: ScratchSpace,
      options?: DeltaEncodeOptions,
    ): Promise<ScratchBlob> {
      const codec = await load();
      if (codec.encodeToScratch !== undefined) {
        return codec.encodeToScratch(source, target, scratch, options);
      }
      return spool(scratch, codec.encode(source, target, options), options);
    },
    async *decode(
      source: RandomAccessSource,
      delta: ByteStream,
      options?: DeltaDecodeOptions,
    ): ByteStream {
      yield* (await load()).decode(source, delta, options);
    },
  };
}
