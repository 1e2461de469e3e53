import type { CliContext } from "../context.js";
import { s3Text } from "./listing.js";
import { failureLine, transferLine } from "./transfer-lines.js";

/**
 * Delete logical keys with multi-object deletes of up to 1,000, one batch after the other, so
 * that each deltaspace's reference goes exactly when its last delta goes (parallel single
 * deletes could each see the other's delta and keep an orphaned reference). Prints
 * `delete: s3://…` per key (unless quiet) and `delete failed: …` on stderr; returns the number
 * of failures.
 *
 * @example
 * ```ts
 * const failed = await deleteKeys(ctx, "b", ["rel/a.zip"], { quiet: false, dryrun: false });
 * ```
 */
export async function deleteKeys(
  ctx: CliContext,
  bucket: string,
  keys: readonly string[],
  options: { readonly quiet: boolean; readonly dryrun: boolean },
): Promise<number> {
  if (options.dryrun) {
    for (const key of keys) {
      if (!options.quiet)
        ctx.out.line(transferLine("delete", s3Text(bucket, key), undefined, { dryrun: true }));
    }
    return 0;
  }
  let failed = 0;
  for (let at = 0; at < keys.length; at += 1000) {
    const batch = keys.slice(at, at + 1000);
    const result = await ctx
      .client()
      .deleteObjects(
        { Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })) } },
        { signal: ctx.signal },
      );
    // Every key has its own outcome; a failed one does not stop the others.
    const errors = new Map(result.Errors.map((error) => [error.Key, error]));
    for (const key of batch) {
      const error = errors.get(key);
      if (error) {
        errors.delete(key);
        failed += 1;
        ctx.out.error(failureLine("delete", s3Text(bucket, key), undefined, error.Message));
      } else if (!options.quiet) {
        ctx.out.line(transferLine("delete", s3Text(bucket, key), undefined));
      }
    }
    // What is left is a folder's unused reference.bin whose removal failed (its files are gone).
    for (const [key, error] of errors) {
      failed += 1;
      ctx.out.error(failureLine("delete", s3Text(bucket, key), undefined, error.Message));
    }
  }
  return failed;
}
