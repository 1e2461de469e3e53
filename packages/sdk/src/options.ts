import type {
  Clock,
  DeltaCodec,
  Hasher,
  Logger,
  LogLevel,
  ObjectStore,
  ReferenceCache,
  ScratchSpace,
} from "@dg/core";
import type { S3Client } from "@aws-sdk/client-s3";

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The delta engines `DG_DELTA_ENGINE` accepts. */
export type DeltaEngine = "builtin" | "xdelta3";

/** The delta formats the client writes: dgd (ours, smaller) or VCDIFF (what xdelta3 reads). */
export type DeltaFormat = "dgd" | "vcdiff";

/** The reference cache backends `DG_CACHE_BACKEND` accepts. */
export type CacheBackend = "filesystem" | "memory";

/** Static AWS credentials. */
export interface ClientCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Credentials, or a function that provides them (refreshed by the AWS SDK when they expire). */
export type CredentialsOption = ClientCredentials | (() => Promise<ClientCredentials>);

/** How the AWS SDK adds checksums to requests and checks them on responses. */
export type ChecksumMode = "WHEN_SUPPORTED" | "WHEN_REQUIRED";

/**
 * Options of {@link createClient}. Every field is optional: each falls back to the `DG_*` and
 * `AWS_*` environment variables (of `env`), then to the shared AWS config files and the AWS
 * SDK's defaults.
 */
export interface ClientOptions {
  /**
   * Where the buckets are: `http(s)://…` for an S3-compatible endpoint, `file:///path` for the
   * local-directory store. Falls back to `DG_ENDPOINT_URL`, `AWS_ENDPOINT_URL_S3`,
   * `AWS_ENDPOINT_URL`; unset means AWS S3 itself.
   */
  readonly endpoint?: string;
  /** AWS region. Falls back to `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, `us-east-1`. */
  readonly region?: string;
  /** Shared-config profile. Falls back to `AWS_PROFILE`. */
  readonly profile?: string;
  /** Credentials. Falls back to `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, then the AWS SDK chain. */
  readonly credentials?: CredentialsOption;
  /** Use this S3 client instead of building one (its endpoint, region and credentials win). */
  readonly s3Client?: S3Client;
  /** Path-style bucket addressing; default true when an endpoint is set (`DG_FORCE_PATH_STYLE`). */
  readonly forcePathStyle?: boolean;
  /** Request checksums; `WHEN_REQUIRED` for stores that reject the SDK's CRC headers (`DG_CHECKSUM_MODE`). */
  readonly checksumMode?: ChecksumMode;
  /**
   * Attempts per S3 request, retries included (`AWS_MAX_ATTEMPTS`; default 3). Timeouts,
   * resets, throttling and 5xx answers are retried with capped exponential backoff.
   */
  readonly maxAttempts?: number;
  /**
   * Longest wait for a connection to the S3 endpoint, in ms; 0: no limit
   * (`DG_CONNECT_TIMEOUT`, in seconds; default 60 s, as the AWS CLI).
   */
  readonly connectTimeoutMs?: number;
  /**
   * Longest silence of the S3 endpoint while it owes data (an answer, the next piece of a
   * download, progress of an upload), in ms; 0: no limit (`DG_READ_TIMEOUT`, in seconds;
   * default 60 s, as the AWS CLI). Each attempt of a request has its own.
   */
  readonly readTimeoutMs?: number;
  /**
   * Reference cache backend when no `cache` is given (`DG_CACHE_BACKEND`; default filesystem;
   * `DG_CACHE_DIR`, `DG_CACHE_MAX_SIZE_MB`, `DG_CACHE_MEMORY_SIZE_MB` and
   * `DG_CACHE_ENCRYPTION_KEY` configure it).
   */
  readonly cacheBackend?: CacheBackend;
  /** Largest delta kept, as a fraction of the file size, in (0, 1] (`DG_MAX_RATIO`; default 0.5). */
  readonly maxRatio?: number;
  /**
   * A file whose best delta is larger than this share of it becomes a new reference of its
   * folder, in (0, 1] (`DG_NEW_REFERENCE_RATIO`; default 0.35). Extra references live under
   * `<folder>/.dg-refs/<id>/reference.bin`, where the Python DeltaGlider reads them too.
   */
  readonly newReferenceRatio?: number;
  /**
   * The most references a folder holds, its `reference.bin` included (`DG_MAX_REFERENCES`;
   * default 16; 1 keeps the single reference of the Python tool).
   */
  readonly maxReferences?: number;
  /** Delta engine when no `codec` is given (`DG_DELTA_ENGINE`; default builtin). */
  readonly deltaEngine?: DeltaEngine;
  /**
   * Secondary compression of the VCDIFF deltas written when no `codec` is given
   * (`DG_DELTA_SECONDARY`; default `lzma`, as xdelta3 writes it, which `xdelta3 -d` and the
   * Python DeltaGlider read). `none` writes plain RFC 3284 sections, for an `xdelta3` built
   * without LZMA.
   */
  readonly deltaSecondary?: "lzma" | "none";
  /**
   * The delta format written when no `codec` is given (`DG_DELTA_FORMAT`): `dgd`, ours
   * (approximate matches, smaller deltas; `packages/xdelta/DGD-FORMAT.md`), or `vcdiff`
   * (RFC 3284, what `xdelta3 -d` and the Python DeltaGlider read). Default `dgd`; `vcdiff`
   * under `compat` and when `deltaEngine` is `xdelta3` (the binary writes VCDIFF). Every
   * format is read whatever this says; zero-diff deltas beside a new reference are VCDIFF.
   */
  readonly deltaFormat?: DeltaFormat;
  /**
   * Write only what the Python DeltaGlider can read: plain VCDIFF deltas, no archive-aware
   * deltas (`DG_COMPAT=python`; default false). Reading is unaffected.
   */
  readonly compat?: boolean;
  /**
   * Parallel metadata requests: the HEADs of listings with original sizes, stats, purges and
   * deletes (`DG_METADATA_CONCURRENCY`; default 64). `DG_CONCURRENCY` is not read here: it is
   * the CLI's number of files transferred at once.
   */
  readonly metadataConcurrency?: number;
  /** @deprecated The former name of `metadataConcurrency`, still accepted. */
  readonly concurrency?: number;
  /**
   * Read and write the object-facts index under `.deltaglider/facts/` (ADR 0002): listings
   * and stats then HEAD only objects it does not know (`DG_OBJECT_INDEX`; default true).
   */
  readonly objectIndex?: boolean;
  /** Where log lines go; default: stderr at `logLevel`. */
  readonly logger?: Logger;
  /** Level of the default logger (`DG_LOG_LEVEL`; default `warn`). */
  readonly logLevel?: LogLevel;
  /** The environment to read instead of `process.env` (tests pass their own). */
  readonly env?: Env;
  /** Inject an object store (tests, embedding); `endpoint` and the S3 options are then unused. */
  readonly store?: ObjectStore;
  /** Inject a delta codec; `deltaEngine` is then unused. */
  readonly codec?: DeltaCodec;
  /** Inject a reference cache; `cacheBackend` is then unused. */
  readonly cache?: ReferenceCache;
  /** Inject scratch space for spooled uploads and deltas (default: temp files). */
  readonly scratch?: ScratchSpace;
  readonly hasher?: Hasher;
  readonly clock?: Clock;
  /** Written as `dg-tool: deltaglider-ts/<toolVersion>`; default this package's version. */
  readonly toolVersion?: string;
  /** Delta-eligible name suffixes; default the DeltaGlider 6.x list. */
  readonly deltaExtensions?: readonly string[];
}
