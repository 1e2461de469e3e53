import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RandomAccessSource } from "@dg/core";

/**
 * A fresh folder under the OS temp folder, and a function that removes it with its contents.
 *
 * @example
 * ```ts
 * const folder = await tempFolder("dg-cache-");
 * try { ... } finally { await folder.remove(); }
 * ```
 */
export async function tempFolder(
  prefix: string,
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Byte equality without vitest's element-by-element diff, which is slow on megabytes.
 *
 * @example
 * ```ts
 * expect(sameBytes(await readSource(source), data)).toBe(true);
 * ```
 */
export function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  if (!actual) return false;
  return Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(
    Buffer.from(expected.buffer, expected.byteOffset, expected.length),
  );
}

/**
 * Every byte of `source`, read in pieces (77,777 bytes) that line up with no block size.
 *
 * @example
 * ```ts
 * const bytes = await readSource(await openFileSource(path));
 * ```
 */
export async function readSource(source: RandomAccessSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  let position = 0;
  while (position < source.size) {
    const chunk = await source.read(position, 77_777);
    if (chunk.length === 0) throw new Error(`short read at ${position}`);
    parts.push(Buffer.from(chunk));
    position += chunk.length;
  }
  return Buffer.concat(parts);
}
