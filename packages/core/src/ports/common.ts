/** Options every long operation accepts. */
export interface OperationOptions {
  readonly signal?: AbortSignal;
}

/** A stream of bytes, as Node's `Readable` and web streams both provide. */
export type ByteStream = AsyncIterable<Uint8Array>;

/**
 * Bytes that can be read at any position without loading them whole: a file handle, a
 * buffer, a decrypted cache entry. `path` is set when the bytes are a plain file on disk that
 * an external tool (the `xdelta3` binary) may open itself.
 */
export interface RandomAccessSource {
  readonly size: number;
  readonly path?: string;
  /**
   * Read up to `length` bytes at `position`. Returns fewer bytes only at the end of the
   * source. The returned array may be reused by the next call; copy it to keep it.
   */
  read(position: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: read up to `length` bytes at `position` into `into` at `offset`, and resolve to
   * how many were read (fewer only at the end of the source). Lets a consumer such as the
   * delta decoder fill its own buffer, without the allocation and the copy of `read`.
   */
  readInto?(position: number, into: Uint8Array, offset: number, length: number): Promise<number>;
  /** Release the handle. Reading after close is an error. */
  close(): Promise<void>;
}

/**
 * Bytes that can be streamed more than once (a local file, a spooled upload). DeltaService
 * reads a body twice: once to hash it, once to encode or upload it.
 */
export interface ReplayableBody {
  /** Size in bytes, when known in advance. */
  readonly size?: number;
  open(options?: OperationOptions): ByteStream;
  /**
   * Optional: the bytes by position (a file on disk), so that a codec that needs them that
   * way reads them in place instead of spooling a copy.
   */
  openRandomAccess?(options?: OperationOptions): Promise<RandomAccessSource>;
}
