import type { DeltaCodec, DeltaService, Hasher, Logger, ObjectStore, ScratchSpace } from "@dg/core";
import type { S3Client } from "@aws-sdk/client-s3";
import type { ResolvedConfig } from "./config.js";
import type { RecoveryOptions } from "./object-types.js";

/** Everything the client's operations share. */
export interface ClientContext {
  readonly config: ResolvedConfig;
  readonly service: DeltaService;
  readonly store: ObjectStore;
  readonly storeKind: "s3" | "dir" | "custom";
  readonly codec: DeltaCodec;
  readonly scratch: ScratchSpace;
  readonly hasher: Hasher;
  readonly logger: Logger;
  readonly deltaExtensions: readonly string[] | undefined;
  /**
   * The raw S3 client, for calls the object store port does not cover (ACLs, presigning);
   * loaded with the AWS SDK on first use.
   */
  readonly s3: (() => Promise<S3Client>) | undefined;
}

/**
 * The core's recovery options for a call that asked for them: nothing when
 * `recoverExternalCompression` is not set, so the default stays byte-identical or an error.
 */
export function recoveryOption(options: RecoveryOptions): {
  recoverExternalCompression?: true;
  onNotByteIdentical?: (message: string) => void;
} {
  if (options.recoverExternalCompression !== true) return {};
  return {
    recoverExternalCompression: true,
    ...(options.onNotByteIdentical === undefined
      ? {}
      : { onNotByteIdentical: options.onNotByteIdentical }),
  };
}

/** `{ signal }` when there is one, for the core's option objects. */
export function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
