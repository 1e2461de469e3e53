import type { S3Client } from "@aws-sdk/client-s3";
import type { ObjectStore } from "@dg/core";
import { createDirObjectStore, createS3ObjectStore } from "@dg/s3";
import type { ResolvedConfig } from "./config.js";
import type { ClientOptions } from "./options.js";
import { buildS3Client } from "./s3-client.js";

/** The object store of a client, with the raw S3 client when there is one. */
export interface ResolvedStore {
  readonly store: ObjectStore;
  readonly kind: "s3" | "dir" | "custom";
  readonly s3: S3Client | undefined;
  /** Whether the client built `s3` itself (and so destroys it). */
  readonly ownsS3: boolean;
}

/** An injected store, the local-directory store of a `file://` endpoint, or S3. */
export function resolveStore(options: ClientOptions, config: ResolvedConfig): ResolvedStore {
  if (options.store) {
    return { store: options.store, kind: "custom", s3: options.s3Client, ownsS3: false };
  }
  if (config.location.kind === "dir") {
    return {
      store: createDirObjectStore({ root: config.location.root }),
      kind: "dir",
      s3: undefined,
      ownsS3: false,
    };
  }
  const s3 = options.s3Client ?? buildS3Client(config);
  return {
    store: createS3ObjectStore({ client: s3 }),
    kind: "s3",
    s3,
    ownsS3: options.s3Client === undefined,
  };
}
