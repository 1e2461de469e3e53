import { utimes } from "node:fs/promises";
import type { DeltaGliderClient, DeltaGliderInfo } from "@dg/sdk";
import type { TransferSettings } from "../commands/options.js";
import { copySourceOf, s3Text } from "./listing.js";
import { copyDirectiveOf, type ObjectFields } from "./object-fields.js";
import { storedNote } from "./transfer-lines.js";
import type { JobOutcome, TransferJob } from "./transfers.js";

/**
 * Upload a local file to `s3://bucket/key`.
 *
 * @example
 * ```ts
 * uploadJob(client, { path: "/w/a.zip", display: "./a.zip", size: 10 }, "b", "a.zip", settings, {
 *   contentType: "application/zip",
 * });
 * ```
 */
export function uploadJob(
  client: DeltaGliderClient,
  file: { readonly path: string; readonly display: string; readonly size?: number },
  bucket: string,
  key: string,
  settings: Pick<TransferSettings, "delta" | "maxRatio" | "newReferenceRatio">,
  fields: ObjectFields = {},
): TransferJob {
  const target = s3Text(bucket, key);
  return {
    verb: "upload",
    source: file.display,
    destination: target,
    ...(file.size === undefined ? {} : { bytes: file.size }),
    async run({ signal, onProgress }) {
      const result = await client.uploadFile(
        file.path,
        { bucket, key },
        {
          signal,
          onProgress,
          delta: settings.delta,
          ...(settings.maxRatio === undefined ? {} : { maxRatio: settings.maxRatio }),
          ...(settings.newReferenceRatio === undefined
            ? {}
            : { newReferenceRatio: settings.newReferenceRatio }),
          ...(fields.contentType === undefined ? {} : { contentType: fields.contentType }),
          ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
          ...(fields.headers === undefined ? {} : { headers: fields.headers }),
        },
      );
      return {
        note: storedNote(result),
        stored: { originalBytes: result.originalSize, storedBytes: result.storedSize },
      };
    },
  };
}

/** The note of a file rebuilt with --recover-external-compression, on its transfer line. */
export const NOT_BYTE_IDENTICAL_NOTE =
  "(content-equal, NOT byte-identical: rebuilt from the decompressed content with --recover-external-compression)";

/**
 * Download `s3://bucket/key` to `path` (atomic and verified by the SDK, which creates the folder
 * once the object is known to exist),
 * and optionally giving the file the object's modification time (as `aws s3 sync` does, so
 * that the next sync sees it as up to date). With `exactPath`, `path` is the file itself even
 * if a folder is there (the download then fails).
 */
export function downloadJob(
  client: DeltaGliderClient,
  bucket: string,
  key: string,
  file: { readonly path: string; readonly display: string },
  options: {
    readonly size?: number;
    readonly mtime?: Date;
    readonly exactPath?: boolean;
    readonly recoverExternalCompression?: boolean;
  } = {},
): TransferJob {
  return {
    verb: "download",
    source: s3Text(bucket, key),
    destination: file.display,
    ...(options.size === undefined ? {} : { bytes: options.size }),
    async run({ signal, onProgress }) {
      const result = await client.downloadFile({ bucket, key }, file.path, {
        signal,
        onProgress,
        ...(options.exactPath === true ? { exactPath: true } : {}),
        ...(options.recoverExternalCompression === true
          ? { recoverExternalCompression: true }
          : {}),
      });
      if (options.mtime) await utimes(file.path, options.mtime, options.mtime);
      return result.byteIdentical ? undefined : { note: NOT_BYTE_IDENTICAL_NOTE };
    },
  };
}

/**
 * Copy a logical object (rebuilt and stored again at the destination). With the `REPLACE`
 * directive (given, or implied by `--metadata`) the destination gets only the fields given;
 * otherwise it keeps the source's (see {@link copyDirectiveOf}).
 */
export function copyJob(
  client: DeltaGliderClient,
  source: { readonly bucket: string; readonly key: string; readonly size?: number },
  destination: { readonly bucket: string; readonly key: string },
  settings: Pick<TransferSettings, "delta" | "maxRatio" | "newReferenceRatio">,
  fields: ObjectFields = {},
): TransferJob {
  return {
    verb: "copy",
    source: s3Text(source.bucket, source.key),
    destination: s3Text(destination.bucket, destination.key),
    ...(source.size === undefined ? {} : { bytes: source.size }),
    async run({ signal, onProgress }) {
      const result = await client.copyObject(
        {
          Bucket: destination.bucket,
          Key: destination.key,
          CopySource: copySourceOf(source.bucket, source.key),
          UseDelta: settings.delta,
          ...(settings.maxRatio === undefined ? {} : { MaxRatio: settings.maxRatio }),
          ...(settings.newReferenceRatio === undefined
            ? {}
            : { NewReferenceRatio: settings.newReferenceRatio }),
          ...(copyDirectiveOf(fields) === "REPLACE"
            ? { MetadataDirective: "REPLACE" as const, ...s3FieldsOf(fields) }
            : {}),
        },
        { signal, onProgress },
      );
      return storedOutcome(result.DeltaGliderInfo);
    },
  };
}

/** The fields in the AWS SDK's names, as `putObject` and `copyObject` take them. */
function s3FieldsOf(fields: ObjectFields) {
  const headers = fields.headers ?? {};
  return {
    ...(fields.contentType === undefined ? {} : { ContentType: fields.contentType }),
    ...(fields.metadata === undefined ? {} : { Metadata: fields.metadata }),
    ...(headers.cacheControl === undefined ? {} : { CacheControl: headers.cacheControl }),
    ...(headers.contentDisposition === undefined
      ? {}
      : { ContentDisposition: headers.contentDisposition }),
    ...(headers.contentEncoding === undefined ? {} : { ContentEncoding: headers.contentEncoding }),
    ...(headers.contentLanguage === undefined ? {} : { ContentLanguage: headers.contentLanguage }),
    ...(headers.expires === undefined ? {} : { Expires: headers.expires }),
  };
}

/** The note and figures of what an upload or copy stored. */
function storedOutcome(info: DeltaGliderInfo): JobOutcome {
  return {
    note: storedNote({
      storageType: info.StorageType,
      originalSize: info.OriginalSize,
      storedSize: info.StoredSize,
      savingsPercent: info.SavingsPercent,
      ...(info.DirectReason ? { directReason: info.DirectReason } : {}),
    }),
    stored: { originalBytes: info.OriginalSize, storedBytes: info.StoredSize },
  };
}

/**
 * Upload a one-shot stream (standard input) to `s3://bucket/key`, shown as `-`. The SDK spools
 * it to a temporary file (it is read twice) and removes that file whatever happens.
 *
 * @example
 * ```ts
 * streamUploadJob(client, () => stdinChunks(process.stdin, { signal }), "b", "a.zip", settings);
 * ```
 */
export function streamUploadJob(
  client: DeltaGliderClient,
  body: () => AsyncIterable<Uint8Array>,
  bucket: string,
  key: string,
  settings: Pick<TransferSettings, "delta" | "maxRatio" | "newReferenceRatio">,
  options: { readonly size?: number; readonly fields?: ObjectFields } = {},
): TransferJob {
  return {
    verb: "upload",
    source: "-",
    destination: s3Text(bucket, key),
    ...(options.size === undefined ? {} : { bytes: options.size }),
    async run({ signal, onProgress }) {
      const result = await client.putObject(
        {
          Bucket: bucket,
          Key: key,
          Body: body(),
          UseDelta: settings.delta,
          ...(settings.maxRatio === undefined ? {} : { MaxRatio: settings.maxRatio }),
          ...(settings.newReferenceRatio === undefined
            ? {}
            : { NewReferenceRatio: settings.newReferenceRatio }),
          ...s3FieldsOf(options.fields ?? {}),
        },
        { signal, onProgress },
      );
      return storedOutcome(result.DeltaGliderInfo);
    },
  };
}

/** Delete one logical object (its reference goes too when nothing needs it any more). */
export function deleteJob(client: DeltaGliderClient, bucket: string, key: string): TransferJob {
  return {
    verb: "delete",
    source: s3Text(bucket, key),
    async run({ signal }) {
      await client.deleteObject({ Bucket: bucket, Key: key }, { signal });
      return undefined;
    },
  };
}
