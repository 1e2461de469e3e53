/** Containers whose deflate streams this package expands. */
export type ContainerKind = "zip" | "gzip";

/** Bytes needed by {@link detectContainer}. */
export const DETECT_BYTES = 4;

/**
 * Recognise a container by its first bytes, never by its name: a zip-family archive (zip,
 * jar, war, ear, apk, …) starts with a local file header `PK\x03\x04` (or, when empty, the
 * end record `PK\x05\x06`); a gzip file starts with `1f 8b 08`.
 *
 * @example
 * ```ts
 * detectContainer(new Uint8Array([0x1f, 0x8b, 8, 0])); // "gzip"
 * ```
 */
export function detectContainer(head: Uint8Array): ContainerKind | undefined {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return "gzip";
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    if (head[2] === 3 && head[3] === 4) return "zip";
    if (head[2] === 5 && head[3] === 6) return "zip";
  }
  return undefined;
}
