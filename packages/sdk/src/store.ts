import type { S3Client } from "@aws-sdk/client-s3";
import type { ObjectStore } from "@dg/core";
import { createDirObjectStore } from "@dg/s3/dir";
import type { ResolvedConfig } from "./config.js";
import { lazyCapabilities, lazyObjectStore, once } from "./lazy.js";
import type { ClientOptions } from "./options.js";

/** The object store of a client, and what to release with it. */
export interface ResolvedStore {
  readonly store: ObjectStore;
  readonly kind: "s3" | "dir" | "custom";
  /** Release what the client built itself (the S3 client's sockets), if it was ever loaded. */
  destroy(): void;
}

/** The region used when neither options, environment nor shared config name one. */
const FALLBACK_REGION = "us-east-1";

/**
 * An injected store, the local-directory store of a `file://` endpoint, or S3. The AWS SDK is
 * imported only when an S3 store is first used: a `file://` client never loads it. This is the
 * only place that knows which kind of store a client has; everything else asks the store's
 * capabilities.
 */
export function resolveStore(options: ClientOptions, config: ResolvedConfig): ResolvedStore {
  const injected = options.s3Client;
  if (options.store) {
    return { store: withS3Capabilities(options.store, injected), kind: "custom", destroy() {} };
  }
  if (config.location.kind === "dir") {
    return {
      store: createDirObjectStore({ root: config.location.root }),
      kind: "dir",
      destroy() {},
    };
  }
  let built: S3Client | undefined;
  let destroyed = false;
  const s3 = once(async () => {
    if (injected) return injected;
    const { createS3Client } = await import("@dg/s3");
    built = createS3Client(connectionOf(config));
    // A client destroyed while the SDK was loading must not keep sockets open.
    if (destroyed) built.destroy();
    return built;
  });
  const store = once(async () => {
    const [{ createS3ObjectStore }, client] = await Promise.all([import("@dg/s3"), s3()]);
    return createS3ObjectStore({ client, readTimeoutMs: config.readTimeoutMs });
  });
  return {
    // What `createS3ObjectStore` names a store on a given client, and what it supports.
    store: lazyObjectStore(
      "s3 (client)",
      store,
      lazyCapabilities(
        ["acl", "presign", "multipartUploads"],
        async () => (await store()).capabilities,
      ),
    ),
    kind: "s3",
    destroy() {
      destroyed = true;
      built?.destroy();
    },
  };
}

/** The connection settings of the configuration, for `@dg/s3`'s client builder. */
function connectionOf(config: ResolvedConfig) {
  const { location } = config;
  return {
    region: config.region ?? FALLBACK_REGION,
    forcePathStyle: config.forcePathStyle,
    ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
    ...(config.profile === undefined ? {} : { profile: config.profile }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    ...(config.maxAttempts === undefined ? {} : { maxAttempts: config.maxAttempts }),
    ...(config.checksumMode === undefined ? {} : { checksumMode: config.checksumMode }),
    connectTimeoutMs: config.connectTimeoutMs,
    readTimeoutMs: config.readTimeoutMs,
  };
}

/**
 * An injected store that declares no capabilities gets S3's (ACLs, presigned URLs, multipart uploads) when an
 * `S3Client` is injected beside it.
 */
function withS3Capabilities(store: ObjectStore, client: S3Client | undefined): ObjectStore {
  if (client === undefined || store.capabilities !== undefined) return store;
  return lazyObjectStore(
    store.description,
    async () => store,
    lazyCapabilities(["acl", "presign", "multipartUploads"], async () =>
      (await import("@dg/s3")).createS3Capabilities(client),
    ),
  );
}
