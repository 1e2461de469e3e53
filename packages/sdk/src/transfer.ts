import { randomBytes } from "node:crypto";
import { createWriteStream, type Stats } from "node:fs";
import { lstat, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CancelledError,
  ConflictError,
  hasCode,
  InvalidArgumentError,
  formatS3Uri,
  isFolderKey,
  optionalEntry,
  uploadKeyFor,
} from "@dg/core";
import {
  errnoCode,
  makeFolder,
  mapFsError,
  OWNER_MARK_PATTERN,
  ownerMark,
  sweepLeftovers,
} from "@dg/node";
import { type ClientContext, recoveryOption, signalOption } from "./context.js";
import { fileBody } from "./file-body.js";
import { locationOf } from "./location.js";
import { deltaGliderInfoOf } from "./objects.js";
import type {
  DownloadFileOptions,
  DownloadResult,
  S3Location,
  UploadFileOptions,
  UploadResult,
  VerifyOptions,
  VerifyResult,
} from "./simple-types.js";

/**
 * A download in progress: `.<file name>.<owner mark>-<12 hex>.dg-download` beside its target.
 * The next download to the same target deletes those of processes killed mid-download.
 */
const PARTIAL_DOWNLOAD = new RegExp(
  `^\\.(.+)\\.(${OWNER_MARK_PATTERN})-[0-9a-f]{12}\\.dg-download$`,
  "s",
);

export async function uploadFile(
  ctx: ClientContext,
  path: string,
  to: S3Location,
  options: UploadFileOptions = {},
): Promise<UploadResult> {
  const destination = locationOf(to);
  const key = uploadKeyFor(destination, basename(path));
  const body = await fileBody(path);
  const result = await ctx.service.put(destination.bucket, key, body, {
    ...signalOption(options.signal),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...optionalEntry("headers", options.headers),
    ...optionalEntry("tags", options.tags),
    ...(options.delta === undefined ? {} : { delta: options.delta }),
    ...(options.maxRatio === undefined ? {} : { maxRatio: options.maxRatio }),
    ...(options.newReferenceRatio === undefined
      ? {}
      : { newReferenceRatio: options.newReferenceRatio }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const info = deltaGliderInfoOf(result);
  return {
    bucket: result.bucket,
    key: result.key,
    storedKey: result.storedKey,
    storageType: result.storageType,
    originalSize: result.originalSize,
    storedSize: result.storedSize,
    savingsPercent: info.SavingsPercent,
    deltaRatio: info.DeltaRatio,
    sha256: result.sha256,
    ...(result.etag === undefined ? {} : { etag: result.etag }),
    ...(result.referenceKey === undefined ? {} : { referenceKey: result.referenceKey }),
    ...(result.reason === undefined ? {} : { directReason: result.reason }),
  };
}

function objectKeyOf(location: S3Location): { bucket: string; key: string } {
  const { bucket, key } = locationOf(location);
  if (isFolderKey(key)) {
    const shown = typeof location === "string" ? location : formatS3Uri(bucket, key);
    throw new InvalidArgumentError(`Not an object: ${shown}`, {
      hint: "Name one object, e.g. s3://bucket/dir/file.zip.",
    });
  }
  return { bucket, key };
}

function isAFolder(path: string): ConflictError {
  return new ConflictError(`Cannot write ${path}: it is a folder`, {
    hint: "Another object or an existing folder takes that name; choose an explicit destination file.",
  });
}

/**
 * The file a download writes: `path`, or the object's name inside `path` when it is a folder
 * (unless `exact`: then a folder there is an error).
 */
async function downloadTarget(path: string, key: string, exact: boolean): Promise<string> {
  if (path.endsWith(sep) || path.endsWith("/")) {
    if (exact) throw isAFolder(path);
    return join(path, basename(key));
  }
  try {
    if ((await stat(path)).isDirectory()) {
      if (exact) throw isAFolder(path);
      return join(path, basename(key));
    }
  } catch (error) {
    if (hasCode(error, "CONFLICT")) throw error;
    if (errnoCode(error) !== "ENOENT") throw mapFsError(error, { action: "write", path });
  }
  return path;
}

function kindOf(info: Stats): string {
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a regular file";
}

/**
 * A download replaces only a regular file (renaming over a device, a FIFO or a symlink would
 * replace the entry itself, not write through it): refuse anything else already at `target`.
 */
async function assertReplaceable(target: string): Promise<void> {
  let info: Stats;
  try {
    info = await lstat(target);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return;
    throw mapFsError(error, { action: "write", path: target });
  }
  if (info.isFile()) return;
  throw new ConflictError(`Refusing to replace ${target}: it is ${kindOf(info)}`, {
    hint: "Downloads only create or replace regular files; choose another destination.",
  });
}

export async function downloadFile(
  ctx: ClientContext,
  from: S3Location,
  path: string,
  options: DownloadFileOptions = {},
): Promise<DownloadResult> {
  const { bucket, key } = objectKeyOf(from);
  const target = await downloadTarget(path, key, options.exactPath === true);
  await assertReplaceable(target);
  const directory = dirname(target);
  // Folders are created only once the object is known to exist: a failed look-up leaves the
  // local tree as it was.
  let byteIdentical = true;
  const { info, body } = await ctx.service.get(bucket, key, {
    ...signalOption(options.signal),
    ...recoveryOption({
      ...options,
      onNotByteIdentical: (message: string) => {
        byteIdentical = false;
        options.onNotByteIdentical?.(message);
      },
    }),
  });
  try {
    await makeFolder(directory);
  } catch (error) {
    await body[Symbol.asyncIterator]().return?.();
    throw error;
  }
  const name = basename(target);
  await sweepLeftovers(directory, (entry) => {
    const match = PARTIAL_DOWNLOAD.exec(entry);
    return match?.[1] === name ? match[2] : undefined;
  });
  const temporary = join(
    directory,
    `.${name}.${ownerMark()}-${randomBytes(6).toString("hex")}.dg-download`,
  );
  const hash = ctx.hasher.sha256();
  let written = 0;
  options.onProgress?.({ type: "start", key: info.key, totalBytes: info.size });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      written += chunk.length;
      options.onProgress?.({ type: "bytes", key: info.key, bytes: chunk.length });
      done(null, chunk);
    },
  });
  try {
    // The body is verified as it streams: an integrity failure rejects the pipeline before
    // the rename, so nothing but the temporary file ever holds unverified bytes.
    await pipeline(
      Readable.from(body),
      meter,
      createWriteStream(temporary, { flags: "wx", mode: 0o666 }),
      signalOption(options.signal),
    );
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    if (options.signal?.aborted && !hasCode(error, "CANCELLED")) {
      throw new CancelledError("Download cancelled", { cause: error });
    }
    throw mapFsError(error, { action: "write", path: target });
  }
  options.onProgress?.({ type: "done", key: info.key });
  return {
    bucket,
    key: info.key,
    path: target,
    size: written,
    storageType: info.kind,
    sha256: hash.digestHex(),
    verified: info.sha256 !== undefined && byteIdentical,
    byteIdentical,
  };
}

export async function verifyObject(
  ctx: ClientContext,
  location: S3Location,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const { bucket, key } = objectKeyOf(location);
  const opOptions = signalOption(options.signal);
  const info = await ctx.service.head(bucket, key, opOptions);
  const base = {
    bucket,
    key: info.key,
    storedKey: info.storedKey,
    storageType: info.kind,
    size: info.size,
  };
  if (info.sha256 === undefined) return { ...base, status: "unverifiable" };
  const hash = ctx.hasher.sha256();
  let contentEqual = false;
  try {
    const { body } = await ctx.service.get(bucket, key, {
      ...opOptions,
      ...recoveryOption({
        ...options,
        onNotByteIdentical: () => {
          contentEqual = true;
        },
      }),
    });
    for await (const chunk of body) hash.update(chunk);
  } catch (error) {
    if (!hasCode(error, "INTEGRITY")) throw error;
    return {
      ...base,
      status: "mismatch",
      expectedSha256: info.sha256,
      message: error.message,
    };
  }
  return {
    ...base,
    status: contentEqual ? "content-equal" : "ok",
    expectedSha256: info.sha256,
    actualSha256: hash.digestHex(),
  };
}
