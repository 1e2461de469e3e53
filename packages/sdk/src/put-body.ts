import type { ByteStream, ReplayableBody, ScratchSpace } from "@dg/core";
import { InvalidArgumentError, spool, streamOf } from "@dg/core";
import type { PutObjectBody } from "./object-types.js";

/** A body DeltaService can read twice, and what to release once the upload is over. */
export interface PreparedBody {
  readonly body: ReplayableBody;
  dispose(): Promise<void>;
}

const noop = async () => {};

/**
 * Turn what a caller gives `putObject` into a replayable body. Bytes, strings and Blobs are
 * replayed as they are; a one-shot stream is spooled to scratch space (a temp file in real
 * use) so that it is never held whole in memory.
 */
export async function prepareBody(
  input: PutObjectBody,
  scratch: ScratchSpace,
  signal?: AbortSignal,
): Promise<PreparedBody> {
  if (typeof input === "string") return inMemory(new TextEncoder().encode(input));
  if (input instanceof Uint8Array) return inMemory(input);
  if (typeof Blob !== "undefined" && input instanceof Blob) {
    const blob = input;
    return {
      body: { size: blob.size, open: () => blob.stream() as unknown as ByteStream },
      dispose: noop,
    };
  }
  if (isAsyncIterable(input)) {
    const blob = await spool(scratch, toBytes(input), signal ? { signal } : {});
    return {
      body: {
        size: blob.size,
        open: (options) => blob.open(options),
        openRandomAccess: () => blob.openRandomAccess(),
      },
      dispose: () => blob.dispose(),
    };
  }
  throw new InvalidArgumentError("Unsupported Body type for putObject", {
    hint: "Pass a Buffer, Uint8Array, string, Blob, Node Readable, web ReadableStream or async iterable of bytes.",
  });
}

function inMemory(bytes: Uint8Array): PreparedBody {
  return { body: { size: bytes.length, open: () => streamOf(bytes) }, dispose: noop };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}

/** Check each chunk is bytes (a Readable in object or string mode would hand out other things). */
async function* toBytes(stream: AsyncIterable<unknown>): ByteStream {
  for await (const chunk of stream) {
    if (chunk instanceof Uint8Array) yield chunk;
    else if (typeof chunk === "string") yield new TextEncoder().encode(chunk);
    else {
      throw new InvalidArgumentError("Body stream yielded something other than bytes", {
        hint: "Streams given as Body must produce Buffer or Uint8Array chunks.",
      });
    }
  }
}
