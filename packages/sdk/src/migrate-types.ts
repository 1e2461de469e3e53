import type { S3Uri, Shard } from "@dg/core";
import type { DirectReason, RequestOptions, StorageType } from "./object-types.js";

/** Options of `planMigration`. */
export interface PlanMigrationOptions extends RequestOptions {
  /**
   * Which files to migrate: gets each key relative to the source prefix (`v1/app.zip`);
   * default every file.
   */
  readonly filter?: (relativeKey: string) => boolean;
  /** Files checked at once against a copy already at the destination; default 4. */
  readonly concurrency?: number;
  /**
   * Take only this shard's files (`createShardSelector`: the first 8 bytes of the SHA-256 of
   * the source-relative key, mod N), so that N processes split one migration.
   */
  readonly shard?: Shard;
}

/** One file of a migration: where it is read and where it is written. */
export interface MigrationFile {
  /** The key relative to the source prefix, which is also its key under the destination prefix. */
  readonly key: string;
  readonly source: S3Uri;
  readonly destination: S3Uri;
  /** Original size in bytes (as listed). */
  readonly size: number;
}

/** What a migration will copy, and what it skips as already there. */
export interface MigrationPlan {
  /** The source folder (`key` ends with `/`, or is `""` for the bucket root). */
  readonly source: S3Uri;
  /** The destination folder the files are written under. */
  readonly destination: S3Uri;
  /** The files to copy, in key order. */
  readonly files: readonly MigrationFile[];
  /** Their original bytes in total. */
  readonly bytes: number;
  /** Files already at the destination with the same content (SHA-256), left out of `files`. */
  readonly skipped: number;
  /** With `shard`: the files `filter` takes in every shard (this shard's are files + skipped). */
  readonly inAllShards?: number;
}

/** Options of `migrate`. */
export interface MigrateOptions extends RequestOptions {
  /** Files in flight at once; default 4. */
  readonly concurrency?: number;
  /** `false`: store every file whole (`--no-delta`); default true. */
  readonly delta?: boolean;
  /** Override the client's max ratio. */
  readonly maxRatio?: number;
  /** Override the client's new-reference ratio. */
  readonly newReferenceRatio?: number;
  /** Start paused: no file starts until `resume()` (to confirm a plan first, say). */
  readonly paused?: boolean;
}

/** How a migration is being stopped: not, once the running files finish, or now. */
export type MigrationStopping = "no" | "after-running" | "now";

/** A file that could not be migrated, with why. */
export interface MigrationFailure {
  readonly index: number;
  readonly file: MigrationFile;
  readonly error: Error;
}

/** What a migration did. */
export interface MigrationResult {
  /** Files copied into delta storage. */
  readonly migrated: number;
  /** Files left out by the plan as already there. */
  readonly skipped: number;
  readonly failed: number;
  /** Files of the plan never migrated because the run was stopped (cancelled ones included). */
  readonly notStarted: number;
  /** True when `stop()`, `abort()` or the signal ended the run before every file was done. */
  readonly stopped: boolean;
  /** Original and stored bytes of the files migrated. */
  readonly originalBytes: number;
  readonly storedBytes: number;
  /** Files stored whole, by reason (only reasons that occurred). */
  readonly direct: Readonly<Partial<Record<DirectReason, number>>>;
  readonly failures: readonly MigrationFailure[];
}

/**
 * What a migration reports, in the order it happens (several files are in flight at once).
 * `index` is the file's place in `plan.files`. `progress` events of one file may be merged
 * while nobody reads them, so each carries running figures.
 */
export type MigrationEvent =
  | {
      readonly type: "planned";
      readonly files: number;
      readonly bytes: number;
      readonly skipped: number;
    }
  | {
      readonly type: "file-started";
      readonly index: number;
      readonly file: MigrationFile;
    }
  | {
      readonly type: "progress";
      readonly index: number;
      readonly file: MigrationFile;
      /** Original bytes of this file moved since the previous progress event of the file. */
      readonly bytes: number;
      /** Of this file so far. */
      readonly fileBytesDone: number;
      /** Of every file so far. */
      readonly bytesDone: number;
    }
  | {
      readonly type: "file-done";
      readonly index: number;
      readonly file: MigrationFile;
      /** `reference`, `delta`, or `direct` (stored whole: see `directReason`). */
      readonly storageType: StorageType;
      readonly storedKey: string;
      readonly originalSize: number;
      readonly storedSize: number;
      /** `(originalSize - storedSize) / originalSize × 100`; 0 for an empty file. */
      readonly savingsPercent: number;
      /** Why a direct file was stored whole. */
      readonly directReason?: DirectReason;
      /** For deltas and references: the reference the delta decodes against. */
      readonly referenceKey?: string;
    }
  | {
      readonly type: "file-failed";
      readonly index: number;
      readonly file: MigrationFile;
      readonly error: Error;
    }
  | { readonly type: "paused" }
  | { readonly type: "resumed" }
  | {
      readonly type: "stopping";
      /** `after-running`: no new file starts; `now`: the running files are cancelled too. */
      readonly mode: Exclude<MigrationStopping, "no">;
    }
  | { readonly type: "done"; readonly result: MigrationResult };

/**
 * A running migration: its events as an async iterable (read it once; leaving the loop early
 * does not stop the migration), its controls, and its result.
 */
export interface Migration extends AsyncIterable<MigrationEvent> {
  readonly plan: MigrationPlan;
  readonly paused: boolean;
  readonly stopping: MigrationStopping;
  /** No new file starts until `resume()`; files running go on. */
  pause(): void;
  resume(): void;
  /** No new file starts; files running finish, then `result` resolves. */
  stop(): void;
  /**
   * Stop now: files running are cancelled and leave nothing half-written (a cancelled upload
   * is aborted); running the plan again later resumes.
   */
  abort(): void;
  /** Resolves once no file is running any more, stopped or not; files failing do not reject it. */
  readonly result: Promise<MigrationResult>;
}
