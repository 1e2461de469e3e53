import type { BucketStats, DeltaspaceObject, VerifyResult } from "@dg/sdk";
import type { StatsProvenance } from "../../lib/stats-text.js";

/**
 * Everything the stats explorer reads and does, as plain data and promises: the screens never
 * touch S3 or the file system. The CLI builds one from the SDK client (`sdk-source.ts`); tests
 * pass fakes.
 */
export interface StatsSource {
  /** `s3://bucket/prefix/`, for titles. */
  readonly location: string;
  /** The figures; `refresh` recomputes them whatever the cache holds. */
  loadStats(options: {
    readonly refresh: boolean;
    readonly signal: AbortSignal;
    readonly onProgress: (phase: "listing" | "computing", storedObjectsSeen: number) => void;
  }): Promise<{ readonly stats: BucketStats; readonly provenance: StatsProvenance }>;
  /** The stored objects of one deltaspace (any order). */
  describeDeltaspace(
    deltaspace: string,
    options: {
      readonly signal: AbortSignal;
      readonly onProgress: (listed: number, described: number) => void;
    },
  ): Promise<readonly DeltaspaceObject[]>;
  /** Rebuild one file and check its SHA-256. */
  verify(key: string, signal: AbortSignal): Promise<VerifyResult>;
  /**
   * Download one file to `path` as the user typed it (relative to the working directory; a
   * path ending in `/` is a folder that keeps the file's name). Resolves to the file written.
   */
  download(key: string, path: string, signal: AbortSignal): Promise<string>;
  /** Delete files (their folder's reference goes with the last delta). */
  remove(
    keys: readonly string[],
    signal: AbortSignal,
  ): Promise<{
    readonly deleted: readonly string[];
    readonly failed: readonly { readonly key: string; readonly message: string }[];
  }>;
}
