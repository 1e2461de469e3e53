import { collectBytes } from "@dg/core";
import type { ByteStream, DeltaCodec } from "@dg/core";
import { createBufferSource } from "@dg/core/memory";

export async function* chunked(bytes: Uint8Array, size = 64 * 1024): ByteStream {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** Encode `target` against `source`; returns the delta and the formats announced. */
export async function encodeWith(
  codec: DeltaCodec,
  source: Uint8Array,
  target: Uint8Array,
  options: { readonly zeroDiff?: boolean } = {},
): Promise<{ delta: Uint8Array; formats: string[] }> {
  const formats: string[] = [];
  const delta = await collectBytes(
    codec.encode(createBufferSource(source), chunked(target), {
      targetSize: target.length,
      onFormat: (format) => formats.push(format),
      ...options,
    }),
  );
  return { delta, formats };
}

export async function decodeWith(
  codec: DeltaCodec,
  source: Uint8Array,
  delta: Uint8Array,
): Promise<Uint8Array> {
  return collectBytes(codec.decode(createBufferSource(source), chunked(delta, 7777)));
}

export function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );
}
