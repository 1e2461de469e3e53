import type { S3Client } from "@aws-sdk/client-s3";
import type { ObjectStore } from "@dg/core";
import { createDirObjectStore } from "@dg/s3/dir";
import type { ResolvedConfig } from "./config.js";
import { lazyObjectStore, once } from "./lazy.js";
import type { ClientOptions } from "./options.js";

/** The object store of a client, with the raw S3 client when there is one. */
export interface ResolvedStore {
  readonly store: ObjectStore;
  readonly kind: "s3" | "dir" | "custom";
  /** The raw S3 client (loaded, with the AWS SDK, on first use), when the store is S3. */
  readonly s3: (() => Promise<S3Client>) | undefined;
  /** Release what the client built itself (the S3 client's sockets), if it was ever loaded. */
  destroy(): void;
}

/**
 * An injected store, the local-directory store of a `file://` endpoint, or S3. The AWS SDK is
 * imported only when an S3 store is first used: a `file://` client never loads it.
 */
export function resolveStore(options: ClientOptions, config: ResolvedConfig): ResolvedStore {
  const injected = options.s3Client;
  if (options.store) {
    const s3 = injected === undefined ? undefined : async () => injected;
    return { store: options.store, kind: "custom", s3, destroy() {} };
  }
  if (config.location.kind === "dir") {
    return {
      store: createDirObjectStore({ root: config.location.root }),
      kind: "dir",
      s3: undefined,
      destroy() {},
    };
  }
  let built: S3Client | undefined;
  let destroyed = false;
  const s3 = once(async () => {
    if (injected) return injected;
    const { buildS3Client } = await import("./s3-client.js");
    built = buildS3Client(config);
    // A client destroyed while the SDK was loading must not keep sockets open.
    if (destroyed) built.destroy();
    return built;
  });
  const store = once(async () => {
    const [{ createS3ObjectStore }, client] = await Promise.all([import("@dg/s3"), s3()]);
    return createS3ObjectStore({ client, readTimeoutMs: config.readTimeoutMs });
  });
  return {
    // What `createS3ObjectStore` names a store on a given client.
    store: lazyObjectStore("s3 (client)", store),
    kind: "s3",
    s3,
    destroy() {
      destroyed = true;
      built?.destroy();
    },
  };
}
