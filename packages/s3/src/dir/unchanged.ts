import { stat } from "node:fs/promises";
import { ConflictError } from "@dg/core";

/**
 * A tag rewrite copies the body into a new file: if the object was overwritten or deleted
 * meanwhile, publishing the copy would undo that. Every write publishes a new inode and a
 * delete removes the name, so an unchanged inode means nobody wrote in between (up to the
 * instant between this check and the rename).
 *
 * @example
 * ```ts
 * const { dev, ino } = await handle.stat();
 * // … write the new file …
 * await assertUnchanged(path, { dev, ino }, "s3://b/k");
 * ```
 */
export async function assertUnchanged(
  path: string,
  expected: { dev: number; ino: number },
  where: string,
): Promise<void> {
  const now = await stat(path).catch(() => undefined);
  if (now?.dev === expected.dev && now.ino === expected.ino) return;
  throw new ConflictError(`Object changed while its tags were being updated: ${where}`, {
    hint: "Another writer replaced or deleted it at the same time; read it again and retry.",
  });
}
