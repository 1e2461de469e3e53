import type { S3Location } from "./simple-types.js";
import type { DownloadFileOptions, UploadFileOptions } from "./simple-types.js";
import type { RequestOptions } from "./object-types.js";

/** One file of `uploadFiles`: a local path and where it goes (as `uploadFile` takes them). */
export interface UploadFilesItem {
  readonly path: string;
  readonly to: S3Location;
}

/** One object of `downloadFiles`: where it is and the local path (as `downloadFile` takes them). */
export interface DownloadFilesItem {
  readonly from: S3Location;
  readonly path: string;
}

/** Running figures of a batch, carried by every progress event. */
export interface BatchTotals {
  readonly files: number;
  readonly done: number;
  readonly failed: number;
  /** Original bytes moved so far, over all files. */
  readonly bytes: number;
}

/**
 * The one progress stream of a batch: each file's start, bytes and end, in the order they
 * happen (several files are in flight at once). `index` is the file's place in the input.
 */
export type BatchProgressEvent =
  | {
      readonly type: "file-start";
      readonly index: number;
      readonly label: string;
      readonly totalBytes?: number;
      readonly totals: BatchTotals;
    }
  | {
      readonly type: "file-bytes";
      readonly index: number;
      readonly label: string;
      readonly bytes: number;
      readonly totals: BatchTotals;
    }
  | {
      readonly type: "file-done";
      readonly index: number;
      readonly label: string;
      readonly totals: BatchTotals;
    }
  | {
      readonly type: "file-failed";
      readonly index: number;
      readonly label: string;
      readonly error: Error;
      readonly totals: BatchTotals;
    };

export interface BatchOptions extends RequestOptions {
  /** Files in flight at once; default 4. */
  readonly concurrency?: number;
  readonly onProgress?: (event: BatchProgressEvent) => void;
}

/** `uploadFile`'s options, applied to every file, and the batch's own. */
export interface UploadFilesOptions
  extends BatchOptions,
    Omit<UploadFileOptions, "onProgress" | "signal"> {}

/** `downloadFile`'s options, applied to every file, and the batch's own. */
export interface DownloadFilesOptions
  extends BatchOptions,
    Omit<DownloadFileOptions, "onProgress" | "signal"> {}

/** One file's outcome, at its index in the input. */
export type BatchItemResult<R> =
  | { readonly index: number; readonly ok: true; readonly result: R }
  | { readonly index: number; readonly ok: false; readonly error: Error };

export interface BatchResult<R> {
  /** One entry per input file, in input order. */
  readonly results: readonly BatchItemResult<R>[];
  readonly succeeded: number;
  readonly failed: number;
}
