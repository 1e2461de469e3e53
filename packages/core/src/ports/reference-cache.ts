import type { ByteStream, OperationOptions, RandomAccessSource } from "./common.js";

/**
 * Local copies of deltaspace references, addressed by their SHA-256 (64 lowercase hex).
 *
 * `get` returns a verified source or `undefined` (a miss, or an entry found corrupt, which is
 * then removed). `put` stores a stream while hashing it and fails with `IntegrityError`, storing
 * nothing, when its SHA-256 differs from `sha256`. Callers close the returned source.
 */
export interface ReferenceCache {
  get(sha256: string, options?: OperationOptions): Promise<RandomAccessSource | undefined>;
  put(sha256: string, body: ByteStream, options?: OperationOptions): Promise<RandomAccessSource>;
  delete(sha256: string): Promise<void>;
  /**
   * Remove every entry (sources already returned stay readable). Optional for caches of other
   * programs; every cache of this project has it.
   */
  clear?(): Promise<void>;
}
