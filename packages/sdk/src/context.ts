import type {
  BucketMaintenance,
  DeltaCodec,
  DeltaService,
  Hasher,
  Logger,
  ObjectStore,
  ReferenceCache,
  ScratchSpace,
} from "@dg/core";
import type { ResolvedConfig } from "./config.js";
import type { RecoveryOptions } from "./object-types.js";

/** Everything the client's operations share. */
export interface ClientContext {
  readonly config: ResolvedConfig;
  readonly service: DeltaService;
  /** Stats, the `.deltaglider/` folder's upkeep, emptying a bucket. */
  readonly maintenance: BucketMaintenance;
  readonly store: ObjectStore;
  readonly codec: DeltaCodec;
  /** The reference cache the delta service uses. */
  readonly cache: ReferenceCache;
  readonly scratch: ScratchSpace;
  readonly hasher: Hasher;
  readonly logger: Logger;
  readonly deltaExtensions: readonly string[] | undefined;
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
