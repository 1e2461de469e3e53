import { IntegrityError, throwIfAborted } from "../errors.js";
import type { ByteRange, ByteStream, OperationOptions } from "../ports/index.js";
import type { Hasher } from "../ports/hasher.js";
import type { ScratchBlob, ScratchSpace } from "../ports/scratch.js";

/** Hash and measure a stream. */
export async function hashStream(
  hasher: Hasher,
  stream: ByteStream,
  options?: OperationOptions,
): Promise<{ sha256: string; size: number }> {
  const hash = hasher.sha256();
  let size = 0;
  for await (const chunk of stream) {
    throwIfAborted(options?.signal);
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digestHex(), size };
}

/**
 * Pass a stream through while hashing it; at its end, fail with `IntegrityError` when the
 * SHA-256 or the size differs from what was expected.
 */
export async function* verifiedStream(
  hasher: Hasher,
  stream: ByteStream,
  expected: {
    readonly sha256: string;
    readonly size?: number;
    readonly what: string;
    /** At the end, true means the check does not apply (a content-equal rebuild). */
    readonly waived?: () => boolean;
  },
  options?: OperationOptions,
): ByteStream {
  const hash = hasher.sha256();
  let size = 0;
  for await (const chunk of stream) {
    throwIfAborted(options?.signal);
    hash.update(chunk);
    size += chunk.length;
    yield chunk;
  }
  const actual = hash.digestHex();
  if (expected.waived?.() === true) return;
  if (actual !== expected.sha256 || (expected.size !== undefined && size !== expected.size)) {
    throw new IntegrityError(
      `SHA-256 mismatch for ${expected.what}: expected ${expected.sha256}, got ${actual} (${size} bytes)`,
      {
        hint: "The stored object is damaged or its reference changed; nothing was returned as good data.",
      },
    );
  }
}

/** Keep only `range` (inclusive) of a stream, still reading it to its end. */
export async function* sliceStream(stream: ByteStream, range: ByteRange): ByteStream {
  let at = 0;
  const end = range.end === undefined ? Number.POSITIVE_INFINITY : range.end + 1;
  for await (const chunk of stream) {
    const from = Math.max(range.start, at);
    const to = Math.min(end, at + chunk.length);
    if (to > from) yield chunk.subarray(from - at, to - at);
    at += chunk.length;
  }
}

/** Count bytes as they pass. */
export async function* countingStream(
  stream: ByteStream,
  onBytes: (n: number) => void,
): ByteStream {
  for await (const chunk of stream) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/** Write a stream to a scratch blob. The caller disposes the blob. */
export async function spool(
  scratch: ScratchSpace,
  stream: ByteStream,
  options?: OperationOptions,
): Promise<ScratchBlob> {
  const writer = await scratch.create();
  try {
    for await (const chunk of stream) {
      throwIfAborted(options?.signal);
      await writer.write(chunk);
    }
    return await writer.finish();
  } catch (error) {
    await writer.dispose();
    throw error;
  }
}
