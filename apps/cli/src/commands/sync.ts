import { rm, rmdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { S3Uri } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import { deleteKeys } from "../lib/batch-delete.js";
import { EXIT, UsageError } from "../lib/errors.js";
import type { PathFilter } from "../lib/filters.js";
import { displayPath } from "../lib/format.js";
import { copyJob, uploadJob } from "../lib/jobs.js";
import { listAllObjects } from "../lib/listing.js";
import { planLocalPaths } from "../lib/local-paths.js";
import { assertDeletableInside } from "../lib/path-safety.js";
import { asFolderPrefix, parseLocation } from "../lib/locations.js";
import {
  ignoredCopyFieldsWarning,
  type ObjectFields,
  objectFieldsFrom,
} from "../lib/object-fields.js";
import { transferLine } from "../lib/transfer-lines.js";
import { runTransfers, type TransferJob } from "../lib/transfers.js";
import { type LocalFile, walkFiles } from "../lib/walk.js";
import { createReporter } from "../ui/reporters.js";
import { refusedDownloadJob, safeDownloadJob } from "./cp.js";
import { defineCommand } from "./define.js";
import {
  filterFrom,
  shardedFilter,
  shardFrom,
  type TransferSettings,
  transferSettings,
  withFilterOptions,
  withObjectFieldOptions,
  withRecoveryOption,
  withShardOptions,
  withTransferOptions,
} from "./options.js";

/** One side's view of a file: its size and modification time. */
interface Entry {
  readonly size: number;
  readonly mtime: Date;
}

interface RemoteEntry extends Entry {
  readonly key: string;
}

/**
 * Whether the source copy should replace the destination's: it is missing, its size differs,
 * or (unless `sizeOnly`) the source is newer. "Newer" is always source-versus-destination, in
 * both directions (the Python tool compared the wrong way round when downloading).
 */
export function needsTransfer(
  source: Entry,
  destination: Entry | undefined,
  sizeOnly: boolean,
): boolean {
  if (destination === undefined) return true;
  if (source.size !== destination.size) return true;
  if (sizeOnly) return false;
  // S3 keeps whole seconds: compare at that precision so a just-synced file is not "newer".
  return Math.floor(source.mtime.getTime() / 1000) > Math.floor(destination.mtime.getTime() / 1000);
}

/** `deltaglider sync`: bring a destination up to date with a source, like `aws s3 sync`. */
export const syncCommand = defineCommand({
  command: "sync <source> <destination>",
  describe:
    "Copy new and changed files from a folder or prefix to another (either way, or S3 to S3)",
  builder: (yargs) =>
    withShardOptions(
      withObjectFieldOptions(
        withRecoveryOption(
          withTransferOptions(
            withFilterOptions(
              yargs
                .positional("source", {
                  type: "string",
                  demandOption: true,
                  describe: "Local folder or s3://bucket/prefix/",
                })
                .positional("destination", {
                  type: "string",
                  demandOption: true,
                  describe: "Local folder or s3://bucket/prefix/",
                })
                .option("delete", {
                  type: "boolean",
                  describe:
                    "Also delete files in the destination that the source does not have (excluded files are kept)",
                })
                .option("size-only", {
                  type: "boolean",
                  describe: "Compare sizes only, not modification times",
                }),
            ),
          ),
        ),
      ),
    ).example([
      ["$0 sync ./dist s3://releases/app/", "Upload new and changed files"],
      ["$0 sync s3://releases/app/ ./mirror --delete", "Mirror a prefix locally"],
      [
        "$0 sync s3://releases/ s3://mirror/ --shard-count 4",
        "In an AWS Batch array or Kubernetes indexed Job of 4: copy this job's quarter",
      ],
    ]),
  async run(ctx, args) {
    const source = parseLocation(args.source);
    const destination = parseLocation(args.destination);
    const settings = transferSettings(args);
    const fields = objectFieldsFrom(args);
    // A shard takes the files (and, with --delete, the extras) whose relative key is its own.
    const filter = shardedFilter(filterFrom(ctx, args), shardFrom(ctx, args));
    const options = {
      settings,
      fields,
      filter,
      sizeOnly: args.sizeOnly === true,
      delete: args.delete === true,
    };
    let plan: SyncPlan;
    if (source.kind === "local" && destination.kind === "s3") {
      plan = await planUpSync(ctx, source.path, destination.uri, options);
    } else if (source.kind === "s3" && destination.kind === "local") {
      plan = await planDownSync(ctx, source.uri, destination.path, options);
    } else if (source.kind === "s3" && destination.kind === "s3") {
      const warning = ignoredCopyFieldsWarning(fields);
      if (warning !== undefined) ctx.out.warn(warning);
      plan = await planCopySync(ctx, source.uri, destination.uri, options);
    } else {
      throw new UsageError("At least one of the source and the destination must be an S3 URI", {
        hint: "Write S3 locations as s3://bucket/prefix/; use rsync for local folders.",
      });
    }
    const reporter = await createReporter(ctx, settings);
    let failed: number;
    try {
      ({ failed } = await runTransfers(ctx, plan.jobs, { ...settings, reporter }));
    } finally {
      await reporter.close();
    }
    failed += await plan.deleteExtra();
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
});

interface SyncOptions {
  readonly settings: TransferSettings;
  readonly fields: ObjectFields;
  readonly filter: PathFilter;
  readonly sizeOnly: boolean;
  readonly delete: boolean;
}

interface SyncPlan {
  readonly jobs: readonly TransferJob[];
  /** Delete what the destination has in excess (`--delete`); returns the failures. */
  deleteExtra(): Promise<number>;
}

async function remoteEntries(
  ctx: CliContext,
  uri: S3Uri,
  filter: PathFilter,
): Promise<Map<string, RemoteEntry>> {
  const prefix = asFolderPrefix(uri.key);
  const entries = new Map<string, RemoteEntry>();
  const listing = listAllObjects(ctx.client(), uri.bucket, prefix, {
    originalSizes: true,
    signal: ctx.signal,
  });
  for await (const object of listing) {
    const relative = object.Key.slice(prefix.length);
    if (relative === "" || relative.endsWith("/") || !filter.includes(relative)) continue;
    entries.set(relative, { key: object.Key, size: object.Size, mtime: object.LastModified });
  }
  return entries;
}

async function localEntries(
  ctx: CliContext,
  root: string,
  filter: PathFilter,
  mustExist: boolean,
  followSymlinks = true,
): Promise<Map<string, LocalFile>> {
  const info = await stat(root).catch(() => undefined);
  const entries = new Map<string, LocalFile>();
  if (info === undefined) {
    if (mustExist) {
      throw new UsageError(`The local folder does not exist: ${displayPath(root, ctx.io.cwd)}`, {
        hint: "Check the path (it is relative to the current folder).",
      });
    }
    return entries;
  }
  if (!info.isDirectory()) {
    throw new UsageError(`${displayPath(root, ctx.io.cwd)} is not a folder`, {
      hint: "sync works on folders; use cp for a single file.",
    });
  }
  const walk = walkFiles(root, {
    signal: ctx.signal,
    followSymlinks,
    onSkip: (path, reason) => ctx.out.warn(`skipping ${path}: ${reason}`),
  });
  for await (const file of walk) {
    if (filter.includes(file.relative)) entries.set(file.relative, file);
  }
  return entries;
}

async function planUpSync(
  ctx: CliContext,
  path: string,
  destination: S3Uri,
  options: SyncOptions,
): Promise<SyncPlan> {
  const root = ctx.resolvePath(path);
  const local = await localEntries(ctx, root, options.filter, true);
  const remote = await remoteEntries(ctx, destination, options.filter);
  const prefix = asFolderPrefix(destination.key);
  const jobs: TransferJob[] = [];
  for (const [relative, file] of local) {
    if (!needsTransfer(file, remote.get(relative), options.sizeOnly)) continue;
    const display = displayPath(file.path, ctx.io.cwd);
    jobs.push(
      uploadJob(
        ctx.client(),
        { path: file.path, display, size: file.size },
        destination.bucket,
        `${prefix}${relative}`,
        options.settings,
        options.fields,
      ),
    );
  }
  const extra = [...remote].filter(([relative]) => !local.has(relative)).map(([, e]) => e.key);
  return {
    jobs,
    deleteExtra: () =>
      options.delete
        ? deleteKeys(ctx, destination.bucket, extra, options.settings)
        : Promise.resolve(0),
  };
}

async function planDownSync(
  ctx: CliContext,
  source: S3Uri,
  path: string,
  options: SyncOptions,
): Promise<SyncPlan> {
  const root = ctx.resolvePath(path);
  const remote = await remoteEntries(ctx, source, options.filter);
  // Never follow links in a folder that --delete may delete from: what lies behind a link is
  // not part of the destination.
  const local = await localEntries(ctx, root, options.filter, false, false);
  // Compare by the local path each key is written to (`a/./b` is written to a/b), or every
  // other run would download such keys again and then delete them as extras.
  const placed = planLocalPaths([...remote].map(([relative, value]) => ({ relative, value })));
  const jobs: TransferJob[] = [];
  for (const item of placed.items) {
    const entry = item.value;
    if (item.error !== undefined) {
      jobs.push(refusedDownloadJob(ctx, source.bucket, entry.key, root, item.error));
      continue;
    }
    if (!needsTransfer(entry, local.get(item.path), options.sizeOnly)) continue;
    jobs.push(
      await safeDownloadJob(ctx, source.bucket, entry.key, root, item.path, {
        size: entry.size,
        mtime: entry.mtime,
        recoverExternalCompression: options.settings.recoverExternalCompression,
      }),
    );
  }
  const extra = [...local]
    .filter(([relative]) => !placed.claimed.has(relative))
    .map(([, file]) => file);
  return {
    jobs,
    deleteExtra: async () => {
      if (!options.delete) return 0;
      let failed = 0;
      for (const file of extra) {
        const line = transferLine("delete", displayPath(file.path, ctx.io.cwd), undefined, {
          dryrun: options.settings.dryrun,
        });
        if (!options.settings.dryrun) {
          try {
            await assertDeletableInside(root, file.path);
            await rm(file.path);
            // Leave no empty folders behind, but never remove the destination itself.
            await removeEmptyParents(dirname(file.path), root);
          } catch (error) {
            failed += 1;
            ctx.out.error(`delete failed: ${file.path}: ${(error as Error).message}`);
            continue;
          }
        }
        if (!options.settings.quiet) ctx.out.line(line);
      }
      return failed;
    },
  };
}

async function removeEmptyParents(folder: string, root: string): Promise<void> {
  let current = folder;
  while (current.startsWith(`${root}/`)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}

async function planCopySync(
  ctx: CliContext,
  source: S3Uri,
  destination: S3Uri,
  options: SyncOptions,
): Promise<SyncPlan> {
  const from = await remoteEntries(ctx, source, options.filter);
  const to = await remoteEntries(ctx, destination, options.filter);
  const prefix = asFolderPrefix(destination.key);
  const jobs: TransferJob[] = [];
  for (const [relative, entry] of from) {
    if (!needsTransfer(entry, to.get(relative), options.sizeOnly)) continue;
    jobs.push(
      copyJob(
        ctx.client(),
        { bucket: source.bucket, key: entry.key, size: entry.size },
        { bucket: destination.bucket, key: `${prefix}${relative}` },
        options.settings,
        options.fields,
      ),
    );
  }
  const extra = [...to].filter(([relative]) => !from.has(relative)).map(([, e]) => e.key);
  return {
    jobs,
    deleteExtra: () =>
      options.delete
        ? deleteKeys(ctx, destination.bucket, extra, options.settings)
        : Promise.resolve(0),
  };
}
