import {
  IntegrityError,
  InternalError,
  InvalidArgumentError,
  targetStream,
  UnavailableError,
} from "@dg/core";
import type {
  ByteStream,
  DeltaCodec,
  DeltaEncodeOptions,
  DeltaTarget,
  OperationOptions,
  RandomAccessSource,
} from "@dg/core";
import type { ProcessExit } from "./pipe-process.js";

/** The process and spooling modules, loaded on first use: creating the codec costs nothing. */
let helpers:
  | Promise<[typeof import("./pipe-process.js"), typeof import("./source-file.js")]>
  | undefined;

/** Options of the `xdelta3`-backed codec. */
export interface NativeXdeltaCodecOptions {
  /** The binary to run; default `xdelta3` from `PATH`. */
  readonly binary?: string;
  /** Compression level 0..9 passed as `-N`; default 9. */
  readonly level?: number;
  /** Secondary compression passed as `-S`; default xdelta3's own (LZMA where built in). */
  readonly secondary?: "lzma" | "none";
  /** Where a source without a `path` is spooled; default the OS temp directory. */
  readonly tempDir?: string;
}

const UNAVAILABLE_HINT =
  "Install it (apt-get install xdelta3) or use the built-in engine (DG_DELTA_ENGINE=builtin).";

/**
 * A `DeltaCodec` that runs the `xdelta3` binary, piping the target/delta through stdin and
 * the result through stdout. It always passes `-D -R`, so gzip-looking inputs are encoded as
 * raw bytes and decoded byte-exactly (without them xdelta3 inflates such inputs on encode and
 * re-deflates them differently on decode).
 *
 * @example
 * ```ts
 * const codec = createNativeXdeltaCodec();
 * const source = await openFileSource("reference.bin");
 * for await (const chunk of codec.encode(source, createReadStream("new.zip"))) out.write(chunk);
 * ```
 */
export function createNativeXdeltaCodec(options: NativeXdeltaCodecOptions = {}): DeltaCodec {
  const binary = options.binary ?? "xdelta3";
  const level = options.level ?? 9;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(`xdelta3 level must be 0..9, got ${level}`, {
      hint: "Pass a compression level from 0 (fastest) to 9 (smallest).",
    });
  }
  const onSpawnError = (error: NodeJS.ErrnoException): Error =>
    new UnavailableError(`Cannot run ${binary}: ${error.code ?? error.message}`, {
      hint: UNAVAILABLE_HINT,
      cause: error,
      retryable: false,
    });

  async function* run(
    mode: "-e" | "-d",
    source: RandomAccessSource,
    input: ByteStream,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    helpers ??= Promise.all([import("./pipe-process.js"), import("./source-file.js")]);
    const [{ firstLine, pipeProcess }, { sourceAsFile }] = await helpers;
    const file = await sourceAsFile(source, {
      ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
      ...(signal === undefined ? {} : { signal }),
    });
    try {
      const args =
        mode === "-e"
          ? [
              "-e",
              `-${level}`,
              ...(options.secondary === undefined ? [] : ["-S", options.secondary]),
              "-D",
              "-R",
              "-f",
              "-c",
              "-s",
              file.path,
            ]
          : ["-d", "-D", "-R", "-f", "-c", "-s", file.path];
      const onFailure = (exit: ProcessExit): Error => {
        const detail = firstLine(exit.stderr) || `exit ${exit.code ?? exit.signal}`;
        return mode === "-d"
          ? new IntegrityError(`xdelta3 could not decode the delta: ${detail}`, {
              hint: "The delta is damaged or was made against a different source.",
            })
          : new InternalError(`xdelta3 encode failed: ${detail}`);
      };
      yield* pipeProcess(binary, args, input, {
        onSpawnError,
        onFailure,
        ...(signal === undefined ? {} : { signal }),
      });
    } finally {
      await file.release();
    }
  }

  return {
    name: "xdelta3",
    encode(source: RandomAccessSource, target: DeltaTarget, opts?: DeltaEncodeOptions) {
      return run("-e", source, targetStream(target, opts), opts?.signal);
    },
    decode(source: RandomAccessSource, delta: ByteStream, opts?: OperationOptions) {
      return run("-d", source, delta, opts?.signal);
    },
  };
}
