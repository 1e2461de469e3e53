import type { CliContext } from "../../context.js";
import { displayPath } from "../../lib/format.js";
import type { StatsSource } from "./source.js";

/** How the command computes the figures (its cache included): the explorer only calls it. */
export type LoadStats = StatsSource["loadStats"];

/**
 * The explorer's source on the SDK client: the one place where the stats screen meets S3 and
 * the file system.
 *
 * @example
 * ```ts
 * const source = createSdkStatsSource(ctx, { bucket: "releases", prefix: "", loadStats });
 * ```
 */
export function createSdkStatsSource(
  ctx: CliContext,
  options: { readonly bucket: string; readonly prefix: string; readonly loadStats: LoadStats },
): StatsSource {
  const { bucket } = options;
  return {
    location: `s3://${bucket}/${options.prefix}`,
    loadStats: options.loadStats,
    async describeDeltaspace(deltaspace, { signal, onProgress }) {
      const details = await ctx.client().describeDeltaspace(bucket, deltaspace, {
        signal,
        onProgress: (progress) => onProgress(progress.listed, progress.described),
      });
      return details.objects;
    },
    verify: (key, signal) => ctx.client().verifyObject({ bucket, key }, { signal }),
    async download(key, path, signal) {
      // A typed folder (`dir/`) keeps its slash: the SDK then keeps the file's name.
      const target = ctx.resolvePath(path) + (path.endsWith("/") ? "/" : "");
      const result = await ctx.client().downloadFile({ bucket, key }, target, { signal });
      return displayPath(result.path, ctx.io.cwd);
    },
    async remove(keys, signal) {
      const result = await ctx
        .client()
        .deleteObjects(
          { Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } },
          { signal },
        );
      return {
        deleted: result.Deleted.map((d) => d.Key),
        failed: result.Errors.map((e) => ({ key: e.Key, message: e.Message })),
      };
    },
  };
}
