import type { ByteStream, OperationOptions, RandomAccessSource } from "./common.js";

/** A temporary blob being written; `finish` turns it into something readable. */
export interface ScratchWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Stop writing; the blob can now be read, by position or as a stream, any number of times. */
  finish(): Promise<ScratchBlob>;
  /** Discard without finishing. */
  dispose(): Promise<void>;
}

export interface ScratchBlob {
  readonly size: number;
  open(options?: OperationOptions): ByteStream;
  openRandomAccess(): Promise<RandomAccessSource>;
  dispose(): Promise<void>;
}

/**
 * Temporary storage for bytes that must be read twice or measured before upload (a delta
 * whose size decides between delta and direct storage, a one-shot upload stream). On disk in
 * real use so that nothing holds a whole file in memory.
 */
export interface ScratchSpace {
  create(): Promise<ScratchWriter>;
}
