import type { VcdiffHeader } from "./file-header.js";

/** Something the decoder wants the caller to know without failing. */
export interface DecodeWarning {
  /**
   * `external-recompression`: the output was re-compressed (recovery mode) and is NOT
   * byte-identical to the original. `external-source-decompressed`: the delta was decoded
   * against the decompressed source (recovery mode); the output is exact.
   */
  readonly code: "external-recompression" | "external-source-decompressed";
  readonly message: string;
}

export interface DecodeVcdiffOptions {
  readonly signal?: AbortSignal;
  /**
   * Largest target window accepted, in bytes (default 64 MiB; xdelta3 writes at most 16 MiB,
   * 8 MiB by default). Larger declared windows are an `IntegrityError`. Memory use is a small
   * multiple of this bound plus `sourceCacheSize`, whatever the size of the file.
   */
  readonly maxWindowSize?: number;
  /**
   * How many bytes of earlier output to keep for VCD_TARGET windows, whose source segment is
   * part of the target already decoded (default 8 MiB). A segment reaching further back is an
   * `UnsupportedError`. The yielded chunks are kept by reference: do not modify them.
   */
  readonly maxTargetHistory?: number;
  /**
   * The size the decoded target must have (e.g. from metadata). A delta cut at a window
   * boundary is still valid VCDIFF and decodes to a prefix; with this set, that and any other
   * size mismatch is an `IntegrityError`. Ignored when recovery re-compresses the output.
   */
  readonly expectedSize?: number;
  /**
   * Source bytes kept between windows, in 64 KiB blocks (default 32 MiB). xdelta3's windows
   * copy from overlapping source segments of up to 64 MiB, so consecutive windows mostly reuse
   * blocks. Copies too scattered for whole blocks are read as exact ranges instead.
   */
  readonly sourceCacheSize?: number;
  /**
   * Source reads in flight at once (default 4), to hide the latency of files and caches. Above
   * 1, the source must allow overlapping reads that return distinct arrays (every adapter in
   * this repository does); set 1 for a source that reuses its buffer.
   */
  readonly sourceReadConcurrency?: number;
  /** Check each window's Adler-32 when the delta has one (default true). */
  readonly verifyChecksums?: boolean;
  /** Called once with the file header, before any output. */
  readonly onHeader?: (header: VcdiffHeader) => void;
  /**
   * Decode deltas that xdelta3 made over input it decompressed itself (application header
   * `name/G/...`) against the decompressed source, and re-compress the output the same way.
   * The result is equivalent but not byte-identical; `onWarning` is told. Default false:
   * such deltas fail with `UnsupportedError`.
   */
  readonly recoverExternalCompression?: boolean;
  /** Receives warnings, e.g. that recovery produced output that is not byte-identical. */
  readonly onWarning?: (warning: DecodeWarning) => void;
  /** Directory for the decompressed source during recovery (default `os.tmpdir()`). */
  readonly tempDir?: string;
  /**
   * During recovery, a decompressed source up to this size is kept in memory; larger ones go
   * to a temporary file (default 16 MiB).
   */
  readonly maxInMemorySource?: number;
}

export const DEFAULT_MAX_WINDOW_SIZE = 64 * 1024 * 1024;
export const DEFAULT_MAX_TARGET_HISTORY = 8 * 1024 * 1024;
export const DEFAULT_SOURCE_READ_CONCURRENCY = 4;
export const DEFAULT_SOURCE_CACHE_SIZE = 32 * 1024 * 1024;
export const DEFAULT_MAX_IN_MEMORY_SOURCE = 16 * 1024 * 1024;
