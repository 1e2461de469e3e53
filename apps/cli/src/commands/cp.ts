import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { type S3Uri, baseName, NotFoundError, uploadKeyFor } from "@dg/sdk/common";
import type { CliContext } from "../context.js";
import { EXIT, UsageError } from "../lib/errors.js";
import type { PathFilter } from "../lib/filters.js";
import { displayPath } from "../lib/format.js";
import { copyJob, downloadJob, uploadJob } from "../lib/jobs.js";
import { listAllObjects, s3Text } from "../lib/listing.js";
import { type KeyedItem, planLocalPaths } from "../lib/local-paths.js";
import { asFolderPrefix, type Location, parseLocation } from "../lib/locations.js";
import {
  ignoredCopyFieldsWarning,
  type ObjectFields,
  objectFieldsFrom,
} from "../lib/object-fields.js";
import { resolveInside } from "../lib/path-safety.js";
import { runTransfers, type TransferJob } from "../lib/transfers.js";
import { walkFiles } from "../lib/walk.js";
import { createReporter } from "../ui/reporters.js";
import { checkExpectedSize, copyStdio, restoreDashArgs, STDIO_ARG } from "./cp-stdio.js";
import { defineCommand } from "./define.js";
import {
  filterFrom,
  type TransferSettings,
  transferSettings,
  withFilterOptions,
  withObjectFieldOptions,
  withRecoveryOption,
  withTransferOptions,
} from "./options.js";

/** `deltaglider cp`: upload, download or copy files, like `aws s3 cp`. */
export const cpCommand = defineCommand({
  command: "cp <source> <destination>",
  describe: "Copy a file or folder to, from or between S3 locations",
  builder: (yargs) =>
    withObjectFieldOptions(
      withRecoveryOption(
        withTransferOptions(
          withFilterOptions(
            yargs
              .positional("source", {
                type: "string",
                demandOption: true,
                describe: "Local path, s3://bucket/key, or - to upload standard input",
              })
              .positional("destination", {
                type: "string",
                demandOption: true,
                describe:
                  "Local path, s3://bucket/key, or - to write the object to standard output; a destination ending in / (or an existing folder) keeps the source's name",
              })
              .option("recursive", {
                alias: "r",
                type: "boolean",
                describe: "Copy every file under the source folder or prefix",
              })
              .option("expected-size", {
                type: "number",
                describe:
                  "With - as the source: the length of standard input in bytes; a stream of another length fails and nothing is stored",
              }),
          ),
        ),
      ),
    ).example([
      ["$0 cp app-1.2.zip s3://releases/app/", "Upload into a folder (key app/app-1.2.zip)"],
      ["$0 cp -r dist/ s3://releases/app/ --exclude '*.map'", "Upload a folder"],
      ["$0 cp s3://releases/app/app-1.2.zip .", "Download and verify"],
      [
        "build | $0 cp - s3://releases/app/app-1.3.zip",
        "Upload standard input (the key must be named)",
      ],
      [
        "$0 cp s3://releases/app/app-1.2.zip - | sha256sum",
        "Stream to standard output, SHA-256 checked (a mismatch fails at the end, exit 1)",
      ],
      [
        "$0 cp app.zip s3://releases/app/ --content-type application/zip --metadata build=42",
        "Set the object's Content-Type and user metadata",
      ],
    ]),
  async run(ctx, args) {
    const [sourceText = args.source, destinationText = args.destination] = restoreDashArgs(
      ctx.argv,
      [args.source, args.destination],
    );
    const settings = transferSettings(args);
    const fields = objectFieldsFrom(args);
    const expectedSize = checkExpectedSize(args.expectedSize);
    if (sourceText === STDIO_ARG || destinationText === STDIO_ARG) {
      return copyStdio(ctx, {
        source: sourceText,
        destination: destinationText,
        recursive: args.recursive === true,
        expectedSize,
        settings,
        fields,
      });
    }
    if (expectedSize !== undefined) {
      throw new UsageError("--expected-size is for uploads from standard input (cp - s3://…)", {
        hint: "Drop --expected-size; a file's size is known.",
      });
    }
    const source = parseLocation(sourceText);
    const destination = parseLocation(destinationText);
    const filter = filterFrom(ctx, args);
    const jobs = await planCopy(ctx, source, destination, args.recursive === true, filter, {
      settings,
      fields,
    });
    const reporter = await createReporter(ctx, settings);
    try {
      const { failed } = await runTransfers(ctx, jobs, { ...settings, reporter });
      return failed > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await reporter.close();
    }
  },
});

async function planCopy(
  ctx: CliContext,
  source: Location,
  destination: Location,
  recursive: boolean,
  filter: PathFilter,
  { settings, fields }: { readonly settings: TransferSettings; readonly fields: ObjectFields },
): Promise<TransferJob[]> {
  if (source.kind === "local" && destination.kind === "local") {
    throw new UsageError("At least one of the source and the destination must be an S3 URI", {
      hint: "Write S3 locations as s3://bucket/key; use your shell's cp for local copies.",
    });
  }
  if (source.kind === "local" && destination.kind === "s3") {
    return recursive
      ? planUploads(ctx, source.path, destination.uri, filter, settings, fields)
      : [await planUpload(ctx, source.path, destination.uri, settings, fields)];
  }
  if (source.kind === "s3" && destination.kind === "local") {
    return recursive
      ? planDownloads(ctx, source.uri, destination.path, filter, settings)
      : [await planDownload(ctx, source.uri, destination.path, settings)];
  }
  if (source.kind === "s3" && destination.kind === "s3") {
    const warning = ignoredCopyFieldsWarning(fields);
    if (warning !== undefined) ctx.out.warn(warning);
    return recursive
      ? planCopies(ctx, source.uri, destination.uri, filter, settings, fields)
      : [planSingleCopy(ctx, source.uri, destination.uri, settings, fields)];
  }
  throw new Error("unreachable");
}

async function statOrMissing(ctx: CliContext, path: string) {
  const info = await stat(ctx.resolvePath(path)).catch(() => undefined);
  if (!info) {
    throw new NotFoundError(`The local path does not exist: ${path}`, {
      hint: "Check the path (it is relative to the current folder).",
    });
  }
  return info;
}

async function planUpload(
  ctx: CliContext,
  path: string,
  destination: S3Uri,
  settings: TransferSettings,
  fields: ObjectFields,
): Promise<TransferJob> {
  const info = await statOrMissing(ctx, path);
  if (info.isDirectory()) {
    throw new UsageError(`${path} is a folder`, {
      hint: "Add --recursive (-r) to upload a folder.",
    });
  }
  const absolute = ctx.resolvePath(path);
  const key = uploadKeyFor(destination, basename(absolute));
  return uploadJob(
    ctx.client(),
    { path: absolute, display: displayPath(absolute, ctx.io.cwd), size: info.size },
    destination.bucket,
    key,
    settings,
    fields,
  );
}

async function planUploads(
  ctx: CliContext,
  path: string,
  destination: S3Uri,
  filter: PathFilter,
  settings: TransferSettings,
  fields: ObjectFields,
): Promise<TransferJob[]> {
  const info = await statOrMissing(ctx, path);
  if (!info.isDirectory()) {
    throw new UsageError(`${path} is not a folder`, {
      hint: "Drop --recursive to upload a single file.",
    });
  }
  const prefix = asFolderPrefix(destination.key);
  const jobs: TransferJob[] = [];
  const root = ctx.resolvePath(path);
  const walk = walkFiles(root, {
    signal: ctx.signal,
    onSkip: (skipped, reason) => ctx.out.warn(`skipping ${skipped}: ${reason}`),
  });
  for await (const file of walk) {
    if (!filter.includes(file.relative)) continue;
    jobs.push(
      uploadJob(
        ctx.client(),
        { path: file.path, display: displayPath(file.path, ctx.io.cwd), size: file.size },
        destination.bucket,
        `${prefix}${file.relative}`,
        settings,
        fields,
      ),
    );
  }
  return jobs;
}

async function planDownload(
  ctx: CliContext,
  source: S3Uri,
  path: string,
  settings: TransferSettings,
): Promise<TransferJob> {
  if (source.key === "" || source.key.endsWith("/")) {
    throw new UsageError(`${s3Text(source.bucket, source.key)} names a folder, not an object`, {
      hint: "Add --recursive (-r) to download everything under a prefix.",
    });
  }
  const absolute = ctx.resolvePath(path);
  const info = await stat(absolute).catch(() => undefined);
  const intoFolder = info?.isDirectory() === true || /[/\\]$/.test(path);
  const target = intoFolder ? join(absolute, baseName(source.key)) : absolute;
  // The progress screen wants the size; a failed look-up is left for the download to report.
  const size = ctx.terminal.interactive
    ? await ctx
        .client()
        .headObject({ Bucket: source.bucket, Key: source.key }, { signal: ctx.signal })
        .then((head) => head.ContentLength)
        .catch(() => undefined)
    : undefined;
  return downloadJob(
    ctx.client(),
    source.bucket,
    source.key,
    { path: target, display: displayPath(target, ctx.io.cwd) },
    {
      ...(size === undefined ? {} : { size }),
      recoverExternalCompression: settings.recoverExternalCompression,
    },
  );
}

async function planDownloads(
  ctx: CliContext,
  source: S3Uri,
  path: string,
  filter: PathFilter,
  settings: TransferSettings,
): Promise<TransferJob[]> {
  const prefix = asFolderPrefix(source.key);
  const root = ctx.resolvePath(path);
  const client = ctx.client();
  const jobs: TransferJob[] = [];
  const listing = listAllObjects(client, source.bucket, prefix, {
    originalSizes: ctx.terminal.interactive,
    signal: ctx.signal,
  });
  const found: KeyedItem<{ key: string; size: number }>[] = [];
  for await (const object of listing) {
    const relative = object.Key.slice(prefix.length);
    // Zero-byte "folder" markers made by consoles have nothing to download.
    if (relative === "" || relative.endsWith("/")) continue;
    if (!filter.includes(relative)) continue;
    found.push({ relative, value: { key: object.Key, size: object.Size } });
  }
  for (const item of planLocalPaths(found).items) {
    const { key, size } = item.value;
    jobs.push(
      item.error === undefined
        ? await safeDownloadJob(ctx, source.bucket, key, root, item.path, {
            size,
            recoverExternalCompression: settings.recoverExternalCompression,
          })
        : refusedDownloadJob(ctx, source.bucket, key, root, item.error),
    );
  }
  return jobs;
}

/**
 * A download job whose local path was proven to stay inside `root`; an unsafe key becomes a
 * job that fails with the reason (so it is reported like any other failed file).
 */
export async function safeDownloadJob(
  ctx: CliContext,
  bucket: string,
  key: string,
  root: string,
  relative: string,
  options: {
    readonly size: number | undefined;
    readonly mtime?: Date;
    readonly recoverExternalCompression: boolean;
  },
): Promise<TransferJob> {
  const { size, mtime } = options;
  try {
    const target = await resolveInside(root, relative);
    return downloadJob(
      ctx.client(),
      bucket,
      key,
      { path: target, display: displayPath(target, ctx.io.cwd) },
      {
        exactPath: true,
        ...(size === undefined ? {} : { size }),
        ...(mtime ? { mtime } : {}),
        recoverExternalCompression: options.recoverExternalCompression,
      },
    );
  } catch (error) {
    return refusedDownloadJob(ctx, bucket, key, root, error);
  }
}

/** A download that must not run, reported as a failure with `error` (even in a dry run). */
export function refusedDownloadJob(
  ctx: CliContext,
  bucket: string,
  key: string,
  root: string,
  error: unknown,
): TransferJob {
  return {
    verb: "download",
    source: s3Text(bucket, key),
    destination: displayPath(root, ctx.io.cwd),
    refused: error,
    run: () => Promise.reject(error),
  };
}

function planSingleCopy(
  ctx: CliContext,
  source: S3Uri,
  destination: S3Uri,
  settings: TransferSettings,
  fields: ObjectFields,
): TransferJob {
  if (source.key === "" || source.key.endsWith("/")) {
    throw new UsageError(`${s3Text(source.bucket, source.key)} names a folder, not an object`, {
      hint: "Add --recursive (-r) to copy everything under a prefix.",
    });
  }
  const key = uploadKeyFor(destination, baseName(source.key));
  return copyJob(
    ctx.client(),
    { bucket: source.bucket, key: source.key },
    { bucket: destination.bucket, key },
    settings,
    fields,
  );
}

async function planCopies(
  ctx: CliContext,
  source: S3Uri,
  destination: S3Uri,
  filter: PathFilter,
  settings: TransferSettings,
  fields: ObjectFields,
): Promise<TransferJob[]> {
  const sourcePrefix = asFolderPrefix(source.key);
  const destinationPrefix = asFolderPrefix(destination.key);
  const client = ctx.client();
  const jobs: TransferJob[] = [];
  const listing = listAllObjects(client, source.bucket, sourcePrefix, {
    originalSizes: ctx.terminal.interactive,
    signal: ctx.signal,
  });
  for await (const object of listing) {
    const relative = object.Key.slice(sourcePrefix.length);
    if (relative === "" || relative.endsWith("/") || !filter.includes(relative)) continue;
    jobs.push(
      copyJob(
        client,
        { bucket: source.bucket, key: object.Key, size: object.Size },
        { bucket: destination.bucket, key: `${destinationPrefix}${relative}` },
        settings,
        fields,
      ),
    );
  }
  return jobs;
}
