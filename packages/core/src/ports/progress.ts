/** Events a long operation reports as it goes; bytes are counted on the user's (original) side. */
export type ProgressEvent =
  | { readonly type: "start"; readonly key: string; readonly totalBytes?: number }
  | { readonly type: "bytes"; readonly key: string; readonly bytes: number }
  | { readonly type: "done"; readonly key: string; readonly storedBytes?: number };

export type ProgressListener = (event: ProgressEvent) => void;
