import { parseExpiry } from "./expiry.js";
import { formatTimestamp, type Metadata, readField } from "./metadata.js";

/**
 * The metadata of a rehydrated copy under `.deltaglider/tmp/`: the Python tool's keys
 * (`dg-expires-at`, `dg-original-key`, `dg-original-filename`, `dg-rehydrated`,
 * `dg-created-at`, times as naive UTC ISO 8601, so that its `purge` reads them), plus
 * `dg-file-sha256` and `dg-file-size` of the file, which say which version of it the copy holds.
 *
 * @example
 * ```ts
 * rehydratedMetadata({ tool: "deltaglider-ts/0.1.0", originalKey: "v1/app.zip.delta",
 *   originalName: "app.zip", sha256, size: 1024, createdAt: now, expiresAt });
 * ```
 */
export function rehydratedMetadata(input: {
  readonly tool: string;
  /** The stored key the copy was rebuilt from (usually the `.delta` key). */
  readonly originalKey: string;
  /** The file's name, without `.delta`. */
  readonly originalName: string;
  readonly sha256: string;
  readonly size: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}): Record<string, string> {
  return {
    "dg-tool": input.tool,
    "dg-expires-at": formatTimestamp(input.expiresAt, false),
    "dg-original-key": input.originalKey,
    "dg-original-filename": input.originalName,
    "dg-rehydrated": "true",
    "dg-created-at": formatTimestamp(input.createdAt, false),
    "dg-file-sha256": input.sha256,
    "dg-file-size": String(input.size),
  };
}

/** The `dg-expires-at` text of a temporary object as stored (either spelling), if any. */
export function expiresAtText(metadata: Metadata): string | undefined {
  return metadata["dg-expires-at"] ?? metadata.dg_expires_at;
}

/** What a rehydrated copy's metadata says about it. */
export interface RehydratedCopyInfo {
  readonly originalKey?: string;
  readonly sha256?: string;
  readonly size?: number;
  /** `undefined` when `dg-expires-at` is missing or unreadable. */
  readonly expiresAt?: Date;
}

/**
 * Read the metadata of a temporary object (ours, or one the Python tool wrote, which has no
 * SHA-256 and so never matches a version).
 *
 * @example
 * ```ts
 * const copy = readRehydratedCopy(info.metadata);
 * if (copy.sha256 === wanted && copy.expiresAt && copy.expiresAt > now) reuse();
 * ```
 */
export function readRehydratedCopy(metadata: Metadata): RehydratedCopyInfo {
  const text = expiresAtText(metadata);
  const expiresAt = text === undefined ? undefined : parseExpiry(text);
  const sha256 = readField(metadata, "fileSha256")?.toLowerCase();
  const sizeText = readField(metadata, "fileSize");
  const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : undefined;
  const originalKey = metadata["dg-original-key"];
  return {
    ...(originalKey === undefined ? {} : { originalKey }),
    ...(sha256 === undefined ? {} : { sha256 }),
    ...(size === undefined ? {} : { size }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}
