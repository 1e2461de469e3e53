import type { FactsIndex } from "./facts-index.js";
import type { DirectReason, Metadata } from "../domain/metadata.js";
import type { ByteRange, ByteStream, OperationOptions, ReplayableBody } from "../ports/index.js";
import type { Clock } from "../ports/clock.js";
import type { DeltaCodec } from "../ports/delta-codec.js";
import type { Hasher } from "../ports/hasher.js";
import type { Logger } from "../ports/logger.js";
import type { ObjectHeaders, ObjectStore, ObjectTags } from "../ports/object-store.js";
import type { ProgressListener } from "../ports/progress.js";
import type { ReferenceCache } from "../ports/reference-cache.js";
import type { ScratchSpace } from "../ports/scratch.js";

export interface DeltaServiceOptions {
  readonly store: ObjectStore;
  readonly codec: DeltaCodec;
  readonly cache: ReferenceCache;
  readonly scratch: ScratchSpace;
  readonly hasher: Hasher;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Written as `dg-tool: deltaglider-ts/<version>`. */
  readonly toolVersion: string;
  /** Default 0.5. */
  readonly maxRatio?: number;
  /** Default: the DeltaGlider 6.x list. */
  readonly deltaExtensions?: readonly string[];
  /** Parallel HEAD requests while listing original sizes. Default 64. */
  readonly metadataConcurrency?: number;
  /**
   * A file whose best delta is larger than this share of it becomes a new reference of its
   * folder (under `<folder>/.dg-refs/<id>/reference.bin`). Default 0.35.
   */
  readonly newReferenceRatio?: number;
  /** The most references a folder holds, its `reference.bin` included. Default 16; 1 turns extra references off. */
  readonly maxReferences?: number;
  /**
   * The object-facts index under `.deltaglider/facts/` (ADR 0002): written by uploads and
   * deletes, read by listings before they HEAD. Default: one of this service's own; `false`
   * turns it off (listings HEAD every delta, nothing is written there).
   */
  readonly factsIndex?: FactsIndex | false;
}

/**
 * How a logical object is stored. `reference`: the file became a reference of its deltaspace
 * (the first file, or one its folder's references no longer resembled closely), stored beside
 * its zero-diff delta.
 */
export type StorageType = "reference" | "delta" | "direct";

export interface PutOptions extends OperationOptions {
  /** User metadata, kept beside deltaglider's `dg-*` keys. */
  readonly metadata?: Metadata;
  readonly contentType?: string;
  /** Cache-Control, Content-Disposition, …: kept on the stored object (never on the reference). */
  readonly headers?: ObjectHeaders;
  /** Tags of the stored object (validated as S3 does; never put on the reference). */
  readonly tags?: ObjectTags;
  /** `false`: store directly whatever the name (`--no-delta` keeps deltaglider metadata). */
  readonly delta?: boolean;
  readonly maxRatio?: number;
  /** Overrides the service's `newReferenceRatio` for this upload. */
  readonly newReferenceRatio?: number;
  readonly onProgress?: ProgressListener;
}

export interface PutResult {
  readonly bucket: string;
  readonly key: string;
  /** The key the bytes went to (`x.zip.delta`, or `x.zip` when stored directly). */
  readonly storedKey: string;
  readonly storageType: StorageType;
  readonly originalSize: number;
  readonly storedSize: number;
  readonly sha256: string;
  readonly etag?: string;
  /** For deltas: the reference they decode against. */
  readonly referenceKey?: string;
  /** Why the file was stored whole, when it was (see `DirectReason`); recorded on the object. */
  readonly reason?: DirectReason;
}

/** What deltaglider knows about a logical object without reading its body. */
export interface LogicalObjectInfo {
  readonly bucket: string;
  readonly key: string;
  readonly storedKey: string;
  /** `foreign`: an object with no deltaglider metadata, read as it is. */
  readonly kind: "delta" | "direct" | "foreign";
  /** Size of the original file. */
  readonly size: number;
  readonly storedSize: number;
  readonly lastModified: Date;
  readonly etag?: string;
  readonly contentType?: string;
  readonly sha256?: string;
  /** The user's own metadata. */
  readonly metadata: Record<string, string>;
  /** The standard headers the stored object carries; omitted when none. */
  readonly headers?: ObjectHeaders;
  /** How many tags the stored object has; omitted when none. */
  readonly tagCount?: number;
  readonly referenceKey?: string;
  /** For direct objects: why the file is stored whole, when recorded or shown by the object. */
  readonly directReason?: DirectReason;
}

export interface GetOptions extends OperationOptions {
  /** A range of the original bytes. */
  readonly range?: ByteRange;
  /**
   * Rebuild a delta-stored file whose delta was made over decompressed content (see
   * `DeltaDecodeOptions.recoverExternalCompression`) as a content-equal file. Its SHA-256
   * cannot match the original's, so it is not checked; `onNotByteIdentical` is told.
   */
  readonly recoverExternalCompression?: boolean;
  /** Told when the body is content-equal to the original but not byte-identical. */
  readonly onNotByteIdentical?: (message: string) => void;
}

export interface GetResult {
  readonly info: LogicalObjectInfo;
  /**
   * The original bytes (or the range). Verified against the stored SHA-256 as it streams: a
   * mismatch makes the stream fail at its end with an `IntegrityError`.
   */
  readonly body: ByteStream;
}

export interface ListOptions extends OperationOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly continuationToken?: string;
  readonly startAfter?: string;
  readonly maxKeys?: number;
  /** Look up original sizes (one HEAD per delta, in parallel). Default true. */
  readonly originalSizes?: boolean;
  /**
   * A stored key the store's listing starts after (no logical `startAfter` filtering): how a
   * walk continues from where it was. Not together with `startAfter` or a continuation token.
   */
  readonly afterStoredKey?: string;
}

/** A whole listing, walked to its end. */
export interface ListAllOptions extends Omit<ListOptions, "continuationToken"> {
  /**
   * Without a delimiter: folders of the top level walked side by side (default 1, one
   * paginated walk). The order is that of one walk either way.
   */
  readonly folderConcurrency?: number;
  /**
   * With `folderConcurrency` above 1: pages walked one after another before the rest is walked
   * side by side (default {@link PARALLEL_AFTER_PAGES}, 25; 0 lists the folders at once).
   */
  readonly parallelAfterPages?: number;
}

export interface LogicalListedObject {
  readonly key: string;
  readonly storedKey: string;
  /** The original size, or the stored size when `originalSizes` was false. */
  readonly size: number;
  readonly storedSize: number;
  readonly lastModified: Date;
  readonly etag?: string;
  readonly isDelta: boolean;
}

export interface ListResult {
  readonly objects: readonly LogicalListedObject[];
  readonly commonPrefixes: readonly string[];
  readonly nextContinuationToken?: string;
}

export interface DeleteResult {
  /** Stored keys removed, the reference included when it went. */
  readonly deletedKeys: readonly string[];
  readonly referenceDeleted: boolean;
}

/** One key of a batch that could not be deleted, with its own error. */
export interface KeyFailure {
  readonly key: string;
  readonly error: Error;
}

/** The outcome of a batch delete: every key is deleted, missing, or failed on its own. */
export interface DeleteManyResult extends DeleteResult {
  /** Keys under which nothing was stored. */
  readonly missing: readonly string[];
  /**
   * Keys that could not be deleted (the others were), and references that stayed although
   * unused because their removal failed (harmless: a reference left behind loses no data).
   */
  readonly failed: readonly KeyFailure[];
}

export interface CopyOptions extends PutOptions {}

export interface RebaseOptions extends OperationOptions {
  /** Write the new deltas and references; without it nothing is written (a projection). */
  readonly apply?: boolean;
  readonly maxRatio?: number;
  readonly newReferenceRatio?: number;
  /** Called once per delta of the folder, after its outcome is decided (and, with `apply`, written). */
  readonly onFile?: (file: RebaseFile) => void;
}

/** What rebase did (or would do) with one delta. */
export interface RebaseFile {
  /** The logical key. */
  readonly key: string;
  /**
   * `kept`: left as it is (already as small); `re-encoded`: against another reference;
   * `new-reference`: the file became a reference, its delta the zero-diff one.
   */
  readonly action: "kept" | "re-encoded" | "new-reference";
  readonly storedBefore: number;
  readonly storedAfter: number;
  /** The reference it decodes against afterwards. */
  readonly referenceKey: string;
}

export interface RebaseResult {
  readonly bucket: string;
  readonly deltaspace: string;
  /** False for a dry run: the figures after are projected. */
  readonly applied: boolean;
  readonly files: readonly RebaseFile[];
  /** References and deltas of the folder, before and after. */
  readonly storedBytesBefore: number;
  readonly storedBytesAfter: number;
  readonly referencesBefore: number;
  readonly referencesAfter: number;
  /** References removed (dry run: that would be) because no delta names them any more. */
  readonly removedReferences: readonly string[];
}

export type { ReplayableBody };

export interface DeleteRecursiveOptions extends OperationOptions {
  /** Delete only the keys this accepts; it gets each key relative to the prefix. */
  readonly filter?: (relativeKey: string) => boolean;
  /** List and filter, delete nothing: `deleted` holds what would go. */
  readonly dryRun?: boolean;
  /** Called after each delete request (up to 1,000 keys) with its outcome. */
  readonly onBatch?: (batch: DeleteRecursiveBatch) => void;
}

/** The outcome of one delete request of a recursive delete. */
export interface DeleteRecursiveBatch {
  /** Logical keys deleted (a key already gone counts as deleted, as in S3). */
  readonly deleted: readonly string[];
  /** Keys that could not be deleted, and unused references whose removal failed. */
  readonly failed: readonly KeyFailure[];
}

export interface DeleteRecursiveResult {
  /** The folder prefix deleted from (`dir` is taken as `dir/`; `""` is the whole bucket). */
  readonly prefix: string;
  readonly dryRun: boolean;
  /** Logical keys deleted, in listing order (in a dry run: the keys that would be). */
  readonly deleted: readonly string[];
  readonly failed: readonly KeyFailure[];
  /**
   * Stored keys of the references removed: with the last delta of their folder, or found
   * under the prefix with no delta left to need them (an orphan another tool left).
   */
  readonly referencesDeleted: readonly string[];
}

export interface RehydrateOptions extends OperationOptions {
  /** Seconds the copy lives (its `dg-expires-at` is now + this). */
  readonly expiresIn: number;
}

/** How a logical object can be read by a plain GET. */
export type RehydrateResult =
  | {
      /** Stored as it is (direct or foreign): its stored key serves it. */
      readonly kind: "stored";
      readonly info: LogicalObjectInfo;
    }
  | {
      /** A delta, rebuilt into `tempKey` under `.deltaglider/tmp/`. */
      readonly kind: "rehydrated";
      readonly info: LogicalObjectInfo;
      readonly tempKey: string;
      /** When the copy expires (`dg-expires-at`). */
      readonly expiresAt: Date;
      /** True when a live copy of the same version was found and kept (its expiry maybe pushed out). */
      readonly reused: boolean;
    };
