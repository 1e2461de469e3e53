import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { ByteStream } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import { createByteReader } from "./byte-reader.js";
import type { ByteReader } from "./byte-reader.js";
import type { ArchiveDeltaHeader } from "./delta-header.js";
import type { DeflateSegment } from "./segments.js";
import { deflateStream, deflateWhole } from "./deflate-engines.js";
import type { DeflateParams } from "./deflate-params.js";

/** The deflate implementation this runtime replays with, as recorded in headers. */
export function deflateEngineName(): string {
  return `node-zlib/${process.versions.zlib ?? "unknown"}`;
}

const OUTPUT_CHUNK = 64 * 1024;
/** Streams up to this size are deflated in one call (zlib gives the same bytes either way). */
const IN_MEMORY = 256 * 1024;

/**
 * Turn the expanded target (the inner codec's output) back into the original bytes: raw runs
 * pass through, deflate streams are deflated again with their recorded settings and checked
 * (inflated length and CRC-32 before, compressed length after), and the whole result is
 * checked against the recorded SHA-256. Any difference is an `IntegrityError` raised while
 * iterating; the stream then ends without its last bytes being trusted.
 *
 * @example
 * ```ts
 * for await (const chunk of rebuildTarget(inner.decode(expandedRef, rest), header)) out.write(chunk);
 * ```
 */
export async function* rebuildTarget(
  expanded: ByteStream,
  header: ArchiveDeltaHeader,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = createByteReader(expanded);
  const hash = createHash("sha256");
  try {
    for (const segment of header.segments) {
      throwIfAborted(signal);
      if (segment.kind === "raw") {
        let got = 0;
        for await (const chunk of reader.take(segment.length)) {
          got += chunk.length;
          hash.update(chunk);
          yield chunk;
        }
        if (got !== segment.length) throw shortExpansion();
        continue;
      }
      for await (const chunk of redeflate(reader, segment, header.engine, signal)) {
        hash.update(chunk);
        yield chunk;
      }
    }
    if (!(await reader.atEnd())) {
      throw new IntegrityError("archive delta: the expanded target is longer than recorded");
    }
    if (hash.digest("hex") !== header.targetSha256) {
      throw new IntegrityError("archive delta: the rebuilt file's SHA-256 does not match", {
        hint: "The delta is damaged or was made against a different reference.",
      });
    }
  } finally {
    await reader.close();
  }
}

function shortExpansion(): IntegrityError {
  return new IntegrityError("archive delta: the expanded target ended early", {
    hint: "The delta is damaged or was made against a different reference.",
  });
}

async function* redeflate(
  reader: ByteReader,
  segment: DeflateSegment,
  engine: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  const params = segment.params;
  if (params === undefined) throw new IntegrityError("archive delta: a stream has no settings");
  if (segment.inflatedLength <= IN_MEMORY) {
    const input = await reader.read(segment.inflatedLength);
    if (input.length !== segment.inflatedLength) throw shortExpansion();
    if (crc32(input) >>> 0 !== segment.crc32) throw crcMismatch();
    const output = deflateWhole(params, input);
    if (output.length !== segment.compressedLength) throw streamMismatch(engine, params);
    yield output;
    return;
  }
  let inflatedLength = 0;
  let inflatedCrc = 0;
  async function* input(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of reader.take(segment.inflatedLength)) {
      inflatedLength += chunk.length;
      inflatedCrc = crc32(chunk, inflatedCrc);
      yield chunk.slice();
    }
  }
  let produced = 0;
  for await (const chunk of deflateStream(params, input(), OUTPUT_CHUNK)) {
    throwIfAborted(signal);
    produced += chunk.length;
    if (produced > segment.compressedLength) throw streamMismatch(engine, params);
    yield chunk;
  }
  if (inflatedLength !== segment.inflatedLength) throw shortExpansion();
  if (inflatedCrc >>> 0 !== segment.crc32) throw crcMismatch();
  if (produced !== segment.compressedLength) throw streamMismatch(engine, params);
}

function crcMismatch(): IntegrityError {
  return new IntegrityError("archive delta: an inflated stream's CRC-32 does not match", {
    hint: "The delta is damaged or was made against a different reference.",
  });
}

function streamMismatch(engine: string, params: DeflateParams): IntegrityError {
  const here = deflateEngineName();
  const nodeMismatch = params.engine === "node-zlib" && engine !== here;
  return new IntegrityError("archive delta: a deflate stream did not come out byte-exact", {
    hint: nodeMismatch
      ? `It was made with ${engine}; this runtime has ${here}. Decode it with a matching Node.js.`
      : "The delta is damaged.",
  });
}
